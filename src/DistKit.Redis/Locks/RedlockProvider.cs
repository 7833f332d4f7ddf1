using System.Security.Cryptography;
using DistKit.Locks;
using DistKit.Redis.Internal;
using DistKit.Redis.Leases;
using StackExchange.Redis;

namespace DistKit.Redis.Locks;

/// <summary>
/// Redlock: a lock over N independent Redis instances (no replication between them), held while a
/// majority holds it. Each attempt sets the key with <c>SET NX PX</c> on every instance at once,
/// each call bounded by <see cref="RedlockOptions.InstanceTimeout"/>; with a majority, and time
/// left in the TTL, the lock is held, otherwise every instance is released and the attempt retried
/// after a jittered pause. Renewal extends on every instance and needs a majority again.
/// </summary>
/// <remarks>
/// <para>
/// Mutual exclusion rests on timing: on the instances' clocks running at about the same rate as
/// the holder's (the <see cref="Core.Leases.LeaseOptions.ClockDrift"/> allowance), and on no
/// instance forgetting a key it granted (a restart without an fsynced AOF). A holder that stalls
/// past its validity is caught only by fencing.
/// </para>
/// <para>
/// The fencing token does not depend on timing. Each instance keeps a counter; the acquirer
/// increments it on the instances it won, takes the largest value, and writes that value back to
/// them before it returns. Any two majorities share an instance, so the next holder's increment
/// lands above it: tokens strictly increase across holders as long as no instance loses its
/// counter. Waiting is not fair: contenders retry, as the algorithm prescribes.
/// </para>
/// </remarks>
public sealed class RedlockProvider : IDistributedLockProvider
{
    // KEYS: lock, fence. ARGV: token, fence. Raises the counter to the lock's fence while we hold it.
    private const string RaiseScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        if tonumber(redis.call('GET', KEYS[2]) or '0') < tonumber(ARGV[2]) then
          redis.call('SET', KEYS[2], ARGV[2])
        end
        return 1
        """;

    // KEYS: lock. ARGV: token, channel to tell of the release ('' to tell no one: undoing a
    // failed attempt must not wake every contender into the same split vote again).
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], '1') end
          return 1
        end
        return 0
        """;

    // Taking and renewing the key on one instance use the single-Redis lease's own scripts
    // (RedisLeaseStore.Acquire: SET NX PX and the fence INCR; RedisLeaseStore.Renew).
    private static readonly RedisScript Raise = new(RaiseScript);
    private static readonly RedisScript Release = new(ReleaseScript);

    private readonly IConnectionMultiplexer[] _instances;
    private readonly RedlockOptions _options;

    /// <summary>Locks over <paramref name="instances"/>: independent Redis servers, an odd number (3 or 5) being the usual choice. Not owned.</summary>
    public RedlockProvider(IReadOnlyList<IConnectionMultiplexer> instances, RedlockOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(instances);
        if (instances.Count == 0)
        {
            throw new ArgumentException("Redlock needs at least one Redis instance (three or five for fault tolerance).", nameof(instances));
        }

        _instances = [.. instances];
        _options = (options ?? RedlockOptions.Default).Validate();
    }

    /// <inheritdoc />
    public string Backend => "redlock";

    /// <summary>How many instances must agree: a majority.</summary>
    public int Quorum => (_instances.Length / 2) + 1;

    /// <inheritdoc />
    public IDistributedLock CreateLock(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new NamedLock(name, EnterAsync);
    }

    /// <summary>The lock key and fence counter of <paramref name="name"/> on each instance.</summary>
    public static RedisKey[] KeysOf(string name, string prefix = "distkit:redlock:") => [$"{prefix}{{{name}}}", $"{prefix}{{{name}}}:fence"];

    private async ValueTask<LockHandle?> EnterAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var activity = Diagnostics.RedisDiagnostics.Start("redlock acquire", name);
        var time = _options.Lease.TimeProvider;
        var keys = KeysOf(name, _options.KeyPrefix);
        var channel = RedisChannel.Literal($"{_options.KeyPrefix}{{{name}}}:released");
        var deadline = wait == Timeout.InfiniteTimeSpan ? long.MaxValue : time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency);
        SemaphoreSlim? released = null;
        Action<RedisChannel, RedisValue>? onReleased = null;
        try
        {
            while (true)
            {
                // A round in which too few instances answered is an outage only if no round
                // within the wait does better: an instance may be reconnecting or briefly slow.
                RedlockLease? lease;
                Core.EngineUnavailableException? outage = null;
                try
                {
                    lease = await TryOnceAsync(name, keys, channel, cancellationToken);
                }
                catch (Core.EngineUnavailableException e)
                {
                    lease = null;
                    outage = e;
                }

                if (lease is not null)
                {
                    return new LockHandle(name, lease.FencingToken, () => lease.DisposeAsync(), () => lease.LossReason, lease.Lost);
                }

                var left = deadline == long.MaxValue ? TimeSpan.MaxValue : time.GetElapsedTime(time.GetTimestamp(), deadline);
                if (left <= TimeSpan.Zero)
                {
                    return outage is null ? null : throw outage;
                }

                if (released is null)
                {
                    // A release on any instance cuts the pause short; the pause is the fallback.
                    var wakeUp = released = new SemaphoreSlim(0);
                    onReleased = (_, _) => wakeUp.Release();
                    await Task.WhenAll(_instances.Select(i => SubscribeQuietlyAsync(i, channel, onReleased)));
                }

                // Earlier wake-ups (one per instance per release) must not cut this pause short.
                while (released.Wait(0, CancellationToken.None))
                {
                }

                var pause = _options.RetryDelay * (0.5 + Random.Shared.NextDouble());
                using var nap = new CancellationTokenSource(pause < left ? pause : left, time);
                using var napOrCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, nap.Token);
                await released.WaitAsync(napOrCancel.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            if (onReleased is not null)
            {
                foreach (var instance in _instances)
                {
                    _ = instance.GetSubscriber().UnsubscribeAsync(channel, onReleased, CommandFlags.FireAndForget);
                }
            }

            released?.Dispose();
        }
    }

    private async Task<RedlockLease?> TryOnceAsync(string name, RedisKey[] keys, RedisChannel channel, CancellationToken cancellationToken)
    {
        var time = _options.Lease.TimeProvider;
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var ttlMs = (long)_options.Lease.EngineTtl.TotalMilliseconds;
        var started = time.GetTimestamp();
        try
        {
            // Calls are not abandoned on cancellation (each is bounded by InstanceTimeout): a key
            // set on an instance after we stopped listening would hold the name for a TTL.
            cancellationToken.ThrowIfCancellationRequested();
            var fences = await Task.WhenAll(_instances.Select(i => CallAsync(i, RedisLeaseStore.Acquire, keys, [token, ttlMs])));
            var won = Enumerable.Range(0, _instances.Length).Where(i => fences[i] > 0).ToArray();
            if (fences.Count(f => f < 0) > _instances.Length - Quorum)
            {
                // Too few instances answer for any majority: an outage, not contention.
                await ReleaseAllAsync(keys[0], token, default);
                Diagnostics.RedisDiagnostics.EngineError("redlock");
                throw new Core.EngineUnavailableException("redlock", new TimeoutException($"{fences.Count(f => f < 0)} of {_instances.Length} instances did not answer; a lock needs {Quorum}"));
            }

            // Time spent getting the majority comes off the validity; none left means no lock.
            if (won.Length >= Quorum && time.GetElapsedTime(started) < _options.Lease.Ttl)
            {
                var fence = won.Max(i => fences[i]);

                // Counters that agree already put a majority at the token: the write-back is needed
                // only after an outage left them apart, so the common case stays one round trip.
                var agreed = won.All(i => fences[i] == fence);
                var raised = agreed ? won.Length : (await Task.WhenAll(won.Select(i => CallAsync(_instances[i], Raise, keys, [token, fence])))).Count(r => r == 1);
                if (raised >= Quorum && time.GetElapsedTime(started) < _options.Lease.Ttl)
                {
                    return RedlockLease.Start(this, keys[0], name, token, fence, channel, started);
                }
            }
        }
        catch (Exception e) when (e is not (OutOfMemoryException or Core.EngineUnavailableException))
        {
            await ReleaseAllAsync(keys[0], token, default);
            throw;
        }

        await ReleaseAllAsync(keys[0], token, default);
        return null;
    }

    /// <summary>Runs <paramref name="script"/> on one instance within the instance timeout; a failure or a timeout counts as a "no" (-1).</summary>
    private async Task<long> CallAsync(IConnectionMultiplexer instance, RedisScript script, RedisKey[] keys, RedisValue[] arguments, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await script.EvaluateAsync(instance.GetDatabase(), keys, arguments).WaitAsync(_options.InstanceTimeout, _options.Lease.TimeProvider, cancellationToken);
            return (long)result;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return -1;
        }
    }

    private static async Task SubscribeQuietlyAsync(IConnectionMultiplexer instance, RedisChannel channel, Action<RedisChannel, RedisValue> handler)
    {
        try
        {
            await instance.GetSubscriber().SubscribeAsync(channel, handler);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // That instance is down: the retry pause still bounds the wait.
        }
    }

    /// <summary>Extends the key on every instance; true with a majority, false once a majority cannot be had, throws when undecided.</summary>
    internal async Task<bool> RenewAsync(RedisKey key, string token, CancellationToken cancellationToken)
    {
        var ttlMs = (long)_options.Lease.EngineTtl.TotalMilliseconds;
        var answers = await Task.WhenAll(_instances.Select(i => CallAsync(i, RedisLeaseStore.Renew, [key], [token, ttlMs], cancellationToken)));
        if (answers.Count(a => a == 1) >= Quorum)
        {
            return true;
        }

        // Instances that answered "not yours" will not come back to us; unreachable ones might.
        if (answers.Count(a => a == 0) > _instances.Length - Quorum)
        {
            return false;
        }

        throw new TimeoutException($"renewal reached {answers.Count(a => a == 1)} of the {Quorum} instances it needs");
    }

    /// <summary>Deletes the key wherever this token holds it; tells waiters on <paramref name="channel"/> unless it is default.</summary>
    internal async Task ReleaseAllAsync(RedisKey key, string token, RedisChannel channel) =>
        await Task.WhenAll(_instances.Select(i => CallAsync(i, Release, [key], [token, channel.IsNullOrEmpty ? "" : channel.ToString()])));

    internal Core.Leases.LeaseOptions LeaseOptions => _options.Lease;
}
