using System.Security.Cryptography;
using DistKit.Locks;
using DistKit.Redis.Leases;
using StackExchange.Redis;

namespace DistKit.Redis.Locks;

/// <summary>
/// Fair locks on one Redis. The lock is a lease (<c>SET NX PX</c>, renewed at a third of the TTL,
/// fencing counter incremented in the acquiring script). Waiters queue in arrival order in a sorted
/// set, and only the head of the queue may take a free lock, so a releaser cannot barge back in
/// ahead of those waiting. A release publishes on a channel that wakes the waiters; polling is only
/// the fallback for a holder that died without releasing.
/// </summary>
/// <remarks>
/// A waiter keeps its place by retrying at least every <see cref="RedisLockOptions.WaiterTimeout"/>;
/// one that stops (a crashed process) is dropped from the queue after that long.
/// </remarks>
public sealed class RedisLockProvider(IConnectionMultiplexer redis, RedisLockOptions? options = null) : IDistributedLockProvider
{
    // KEYS: lock, fence, queue (zset by arrival), deadlines (hash token -> ms), arrival counter.
    // ARGV: token, lock ttl ms, waiter timeout ms, enqueue (1) or just try (0).
    private const string AcquireScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        while true do
          local head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
          if not head then break end
          local deadline = tonumber(redis.call('HGET', KEYS[4], head) or '0')
          if deadline >= now then break end
          redis.call('ZREM', KEYS[3], head)
          redis.call('HDEL', KEYS[4], head)
        end
        local head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
        if redis.call('EXISTS', KEYS[1]) == 0 and (not head or head == ARGV[1]) then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          redis.call('ZREM', KEYS[3], ARGV[1])
          redis.call('HDEL', KEYS[4], ARGV[1])
          return redis.call('INCR', KEYS[2])
        end
        if ARGV[4] == '1' then
          if not redis.call('ZSCORE', KEYS[3], ARGV[1]) then
            redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[5]), ARGV[1])
          end
          redis.call('HSET', KEYS[4], ARGV[1], now + tonumber(ARGV[3]))
          redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[3]) * 2)
          redis.call('PEXPIRE', KEYS[4], tonumber(ARGV[3]) * 2)
        end
        return 0
        """;

    private const string LeaveQueueScript = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('HDEL', KEYS[2], ARGV[1])
        return 1
        """;

    private readonly RedisLockOptions _options = (options ?? RedisLockOptions.Default).Validate();

    /// <inheritdoc />
    public string Backend => "redis";

    /// <inheritdoc />
    public IDistributedLock CreateLock(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new NamedLock(name, EnterAsync);
    }

    /// <summary>The keys a lock uses, so operators and tests can find them.</summary>
    public static RedisKey[] KeysOf(string name, string prefix = "distkit:lock:") =>
        [$"{prefix}{{{name}}}", $"{prefix}{{{name}}}:fence", $"{prefix}{{{name}}}:queue", $"{prefix}{{{name}}}:waiters", $"{prefix}{{{name}}}:arrivals"];

    private async ValueTask<LockHandle?> EnterAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
    {
        var time = _options.Lease.TimeProvider;
        var keys = KeysOf(name, _options.KeyPrefix);
        var channel = RedisChannel.Literal($"{_options.KeyPrefix}{{{name}}}:released");
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var database = redis.GetDatabase();
        var ttlMs = (long)_options.Lease.EngineTtl.TotalMilliseconds;
        var waiterMs = (long)_options.WaiterTimeout.TotalMilliseconds;
        var deadline = wait != Timeout.InfiniteTimeSpan ? time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency) : long.MaxValue;

        // Subscribe before the first try, so a release between the try and the wait is not missed.
        var released = new SemaphoreSlim(0);
        ChannelMessageQueue? subscription = null;
        var queued = false;
        try
        {
            while (true)
            {
                var willWait = wait != TimeSpan.Zero && time.GetTimestamp() < deadline;
                if (willWait && subscription is null)
                {
                    subscription = await redis.GetSubscriber().SubscribeAsync(channel);
                    subscription.OnMessage(_ => released.Release());
                }

                var started = time.GetTimestamp();
                var fence = (long)await database.ScriptEvaluateAsync(AcquireScript, keys, [token, ttlMs, waiterMs, willWait ? "1" : "0"]).WaitAsync(cancellationToken);
                if (fence > 0)
                {
                    queued = false;
                    var lease = RedisLease.Start(redis, keys[0], name, token, fence, _options.Lease, started, channel.ToString());
                    return new LockHandle(name, fence, () => lease.DisposeAsync(), lease.Lost);
                }

                queued |= willWait;
                if (!willWait)
                {
                    return null;
                }

                var left = deadline == long.MaxValue ? _options.PollInterval : time.GetElapsedTime(time.GetTimestamp(), deadline);
                var nap = left < _options.PollInterval ? left : _options.PollInterval;
                if (nap > TimeSpan.Zero)
                {
                    await released.WaitAsync(nap, cancellationToken);
                }
            }
        }
        finally
        {
            if (subscription is not null)
            {
                await subscription.UnsubscribeAsync();
            }

            if (queued)
            {
                // Cancelled or timed out while queued: leave no trace behind.
                await database.ScriptEvaluateAsync(LeaveQueueScript, [keys[2], keys[3]], [token]);
            }

            released.Dispose();
        }
    }
}
