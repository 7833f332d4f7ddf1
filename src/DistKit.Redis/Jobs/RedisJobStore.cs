using System.Globalization;
using DistKit.Redis.Internal;
using DistKit.Scheduling.Jobs;
using StackExchange.Redis;

namespace DistKit.Redis.Jobs;

/// <summary>
/// Jobs in Redis: a hash per job, a sorted set of waiting jobs per shard scored by due time, and
/// every change as one Lua script, so a claim, a completion and a shard's new owner are serialized
/// by the server. A job due inside the owners' window is announced on pub/sub, on the channel
/// <c>{prefix}notices</c>, so stores under other prefixes on one Redis do not hear each other.
/// </summary>
/// <remarks>
/// Every key carries the hash tag <c>{jobs}</c>: on Redis Cluster all of them live in one slot (one
/// primary holds the jobs), which the scripts need to touch several keys at once. Jobs are data,
/// not cache: run Redis with the append-only file on (<c>appendonly yes</c>), or a restart loses
/// them, their fences included.
/// </remarks>
public sealed partial class RedisJobStore : IJobStore
{

    // How long past twice its timeout a running delivery counts as abandoned (as on PostgreSQL).
    private const long RunGrace = 30_000;

    private readonly Func<CancellationToken, Task<IConnectionMultiplexer>> _connect;
    private readonly TimeProvider _time;
    private readonly string _prefix;
    private readonly RedisKey[] _route;
    private readonly string _channel;

    /// <summary>A store on <paramref name="redis"/>.</summary>
    /// <param name="redis">A connected multiplexer; not owned.</param>
    /// <param name="time">Stamps cancellations. Default: the system clock.</param>
    /// <param name="keyPrefix">Prefix of every key; it must hold a hash tag. Default: <c>distkit:{jobs}:</c>.</param>
    public RedisJobStore(IConnectionMultiplexer redis, TimeProvider? time = null, string keyPrefix = "distkit:{jobs}:")
        : this(_ => Task.FromResult(redis ?? throw new ArgumentNullException(nameof(redis))), time, keyPrefix)
    {
    }

    // The composition layer's: the connection is made on first use, not at registration.
    internal RedisJobStore(Func<CancellationToken, Task<IConnectionMultiplexer>> connect, TimeProvider? time = null, string keyPrefix = "distkit:{jobs}:")
    {
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        _connect = connect;
        _time = time ?? TimeProvider.System;
        _prefix = keyPrefix;
        _route = [keyPrefix + "all"];
        _channel = keyPrefix + "notices";
    }

    /// <inheritdoc />
    public string Engine => "redis";

    /// <inheritdoc />
    public async ValueTask<ScheduledJob> ScheduleAsync(Job job, bool notify, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var values = JobColumns.Values(job);
        var arguments = new RedisValue[3 + values.Length];
        arguments[0] = _prefix;
        arguments[1] = notify ? 1 : 0;
        arguments[2] = _channel;
        for (var i = 0; i < values.Length; i++)
        {
            arguments[3 + i] = Nullable(i) ? Optional(values[i]) : Plain(values[i]);
        }

        var result = (RedisResult[])(await RunAsync(RedisJobScripts.Schedule, arguments, cancellationToken))!;
        var outcome = (int)result[0] switch
        {
            0 => ScheduleOutcome.Created,
            1 => ScheduleOutcome.Replaced,
            _ => ScheduleOutcome.Existing,
        };
        return new ScheduledJob(RedisJobFields.Read(result[1]), outcome);
    }

    /// <inheritdoc />
    public async ValueTask<Job?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return RedisJobFields.TryRead(await RunAsync(RedisJobScripts.Get, [_prefix, id], cancellationToken));
    }

    /// <inheritdoc />
    public async ValueTask<Job?> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return RedisJobFields.TryRead(await RunAsync(RedisJobScripts.Cancel, [_prefix, Now(), id], cancellationToken));
    }

    /// <inheritdoc />
    public async ValueTask<Job?> CancelByKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return RedisJobFields.TryRead(await RunAsync(RedisJobScripts.CancelByKey, [_prefix, Now(), key], cancellationToken));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Job>> ListAsync(JobState? state, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var result = (RedisResult[])(await RunAsync(
            RedisJobScripts.List, [_prefix, state is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "", limit], cancellationToken))!;
        return [.. result.Select(RedisJobFields.Read)];
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task<IDatabase> DatabaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await _connect(cancellationToken)).GetDatabase();
        }
        catch (Exception e) when (RedisErrors.IsOutage(e))
        {
            throw RedisErrors.Unavailable(e);
        }
    }

    // Not abandoned on cancellation once sent: a script either ran whole or not at all, and the
    // client's own timeout bounds the wait.
    private async Task<RedisResult> RunAsync(RedisScript script, RedisValue[] arguments, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = await DatabaseAsync(cancellationToken);
        try
        {
            return await script.EvaluateAsync(database, _route, arguments);
        }
        catch (Exception e) when (RedisErrors.IsOutage(e))
        {
            throw RedisErrors.Unavailable(e);
        }
    }

    // cron, data, key, idempotency key and last error may be null (JobColumns' order).
    private static bool Nullable(int column) => column is 4 or 7 or 8 or 9 or 18;

    private static RedisValue Optional(object? value) => value is null ? RedisValue.EmptyString : "=" + Text(value);

    private static RedisValue Plain(object? value) => Text(value ?? throw new ArgumentException("a required job field is null"));

    private static string Text(object value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;
}
