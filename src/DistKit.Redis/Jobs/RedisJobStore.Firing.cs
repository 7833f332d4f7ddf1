using DistKit.Redis.Internal;
using DistKit.Scheduling.Jobs;
using StackExchange.Redis;

namespace DistKit.Redis.Jobs;

// What the firing service asks of the store: liveness, shard fences, due jobs, claims and completions.
public sealed partial class RedisJobStore
{
    /// <inheritdoc />
    public async ValueTask<int> HeartbeatAsync(string node, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        return (int)await RunAsync(RedisJobScripts.Heartbeat, [_prefix, node, Math.Max(1, (long)ttl.TotalMilliseconds)], cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask LeaveAsync(string node, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        var database = await DatabaseAsync(cancellationToken);
        try
        {
            await database.SortedSetRemoveAsync(_prefix + "nodes", node);
        }
        catch (Exception e) when (RedisErrors.IsOutage(e))
        {
            throw RedisErrors.Unavailable(e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> OpenShardAsync(int shard, long fence, CancellationToken cancellationToken = default) =>
        (long)await RunAsync(RedisJobScripts.OpenShard, [_prefix, shard, fence], cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DueJob>> WaitingAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        var arguments = new RedisValue[1 + ids.Count];
        arguments[0] = _prefix;
        for (var i = 0; i < ids.Count; i++)
        {
            arguments[1 + i] = ids[i];
        }

        return DueJobs(await RunAsync(RedisJobScripts.Waiting, arguments, cancellationToken));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DueJob>> LoadDueAsync(IReadOnlyCollection<int> shards, DateTimeOffset until, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
        {
            return [];
        }

        var arguments = new List<RedisValue>(4 + shards.Count) { _prefix, until.ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), limit };
        arguments.AddRange(shards.Select(shard => (RedisValue)shard));
        var due = DueJobs(await RunAsync(RedisJobScripts.LoadDue, [.. arguments], cancellationToken));

        // The script takes up to the limit from each shard; the soonest across them are kept here,
        // off the server's one thread.
        return [.. due.OrderBy(job => job.Due).ThenBy(job => job.Id, StringComparer.Ordinal).Take(limit)];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Job>> ClaimAsync(IReadOnlyList<JobClaim> claims, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        if (claims.Count == 0)
        {
            return [];
        }

        var arguments = new RedisValue[3 + 3 * claims.Count];
        arguments[0] = _prefix;
        arguments[1] = now.ToUnixTimeMilliseconds();
        arguments[2] = RunGrace;
        for (var i = 0; i < claims.Count; i++)
        {
            arguments[3 + 3 * i] = claims[i].Id;
            arguments[4 + 3 * i] = claims[i].Shard;
            arguments[5 + 3 * i] = claims[i].Fence;
        }

        var claimed = (RedisResult[])(await RunAsync(RedisJobScripts.Claim, arguments, cancellationToken))!;
        return [.. claimed.Select(RedisJobFields.Read)];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completions);
        if (completions.Count == 0)
        {
            return [];
        }

        var arguments = new RedisValue[1 + 9 * completions.Count];
        arguments[0] = _prefix;
        for (var i = 0; i < completions.Count; i++)
        {
            var completion = completions[i];
            var at = 1 + 9 * i;
            arguments[at] = completion.Id;
            arguments[at + 1] = completion.Shard;
            arguments[at + 2] = completion.Fence;
            arguments[at + 3] = completion.Attempt;
            arguments[at + 4] = (int)JobColumns.StateAfter(completion.Outcome);
            arguments[at + 5] = completion.NextDue is { } next ? next.ToUnixTimeMilliseconds() : RedisValue.EmptyString;
            arguments[at + 6] = completion.Outcome == CompletionOutcome.Next ? 1 : 0;
            arguments[at + 7] = completion.Error is { } error ? "=" + error : RedisValue.EmptyString;
            arguments[at + 8] = completion.Now.ToUnixTimeMilliseconds();
        }

        var landed = (RedisResult[])(await RunAsync(RedisJobScripts.Complete, arguments, cancellationToken))!;
        return [.. landed.Select(one => (int)one == 1)];
    }

    private static List<DueJob> DueJobs(RedisResult result)
    {
        var rows = (RedisResult[])result!;
        var due = new List<DueJob>(rows.Length);
        foreach (var row in rows)
        {
            var v = (RedisValue[])row!;
            due.Add(new DueJob(v[0]!, (int)RedisJobFields.Number(v[1]), RedisJobFields.Time(v[2]), RedisJobFields.Number(v[3])));
        }

        return due;
    }
}
