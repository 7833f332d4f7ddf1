using System.Collections.Concurrent;
using System.Security.Cryptography;
using DistKit.Locks;
using DistKit.Redis.Internal;
using DistKit.Redis.Leases;
using StackExchange.Redis;

namespace DistKit.Redis.Locks;

/// <summary>
/// Fair locks on one Redis. The lock is a lease (<c>SET NX PX</c>, renewed at a third of the TTL,
/// fencing counter incremented in the acquiring script). Waiters queue in arrival order in a sorted
/// set. A release hands the lock straight to the head of the queue, in the same script, and
/// publishes who got it: the next holder starts on that message without another round trip, the
/// others are not woken, and the releaser cannot barge back in ahead of those waiting. Polling is
/// only the fallback for a lost message or a holder that died without releasing.
/// </summary>
/// <remarks>
/// A waiter keeps its place by retrying at least every <see cref="RedisLockOptions.WaiterTimeout"/>;
/// one that stops (a crashed process) is dropped from the queue after that long. A lock handed to a
/// waiter that has just died is held for only <see cref="RedisLockOptions.WaiterTimeout"/> (plus
/// drift): the new holder stretches it to the full TTL at its first renewal.
/// </remarks>
public sealed class RedisLockProvider(IConnectionMultiplexer redis, RedisLockOptions? options = null) : IDistributedLockProvider, IAsyncDisposable
{
    // Drops waiters at the head of the queue (KEYS[3], deadlines in KEYS[4]) that stopped retrying.
    private const string PruneDeadHeads = """
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
        """;

    // KEYS: lock, fence, queue (zset by arrival), deadlines (hash token -> ms), arrival counter.
    // ARGV: token, lock ttl ms, waiter timeout ms, enqueue (1) or just try (0).
    // Returns the fencing token when the caller holds the lock; otherwise minus the fence counter
    // as it stands (0 or less), so a waiter can tell a hand-over message that came after this
    // call (its fence is larger) from a stale one that came before it.
    private const string AcquireScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return tonumber(redis.call('GET', KEYS[2]))
        end
        """ + "\n" + PruneDeadHeads + "\n" + """
        local head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
        if not holder and (not head or head == ARGV[1]) then
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
          redis.call('PEXPIRE', KEYS[5], tonumber(ARGV[3]) * 2)
        end
        return -tonumber(redis.call('GET', KEYS[2]) or '0')
        """;

    // The first try of every acquire: with nobody queued, SET NX decides alone. Returns the fencing
    // token, 0 when the lock is held and nobody waits, -1 when there is a queue (the full script decides).
    // KEYS: lock, fence, queue. ARGV: token, lock ttl ms.
    private const string TryScript = """
        if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return redis.call('INCR', KEYS[2])
        end
        return 0
        """;

    // Releases the lock if the caller holds it (else leaves the queue, if it waits there), then hands
    // the lock to the head of the queue and publishes "token:fence" to the head's provider (its
    // inbox channel is the part of its token after '@'), so that waiter starts at once and no
    // other wakes. A holder is never in the queue (taking the lock removes it), so the two cases
    // do not mix. KEYS: lock, fence, queue, deadlines. ARGV: token, hand-over ttl ms.
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then
          redis.call('ZREM', KEYS[3], ARGV[1])
          redis.call('HDEL', KEYS[4], ARGV[1])
          return 0
        end
        redis.call('DEL', KEYS[1])
        if redis.call('EXISTS', KEYS[3]) == 0 then return 1 end
        """ + "\n" + PruneDeadHeads + "\n" + """
        local head = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
        if head then
          redis.call('SET', KEYS[1], head, 'PX', ARGV[2])
          redis.call('ZREM', KEYS[3], head)
          redis.call('HDEL', KEYS[4], head)
          local fence = redis.call('INCR', KEYS[2])
          local inbox = string.match(head, '@(.+)$')
          if inbox then redis.call('PUBLISH', inbox, head .. ' ' .. fence) end
        end
        return 1
        """;

    private static readonly RedisScript Try = new(TryScript);
    private static readonly RedisScript Acquire = new(AcquireScript);
    private static readonly RedisScript Release = new(ReleaseScript);

    private readonly RedisLockOptions _options = (options ?? RedisLockOptions.Default).Validate();

    // This provider's inbox: releases tell a waiter here that the lock is now its own. One channel
    // per provider, subscribed once, so waiting costs no SUBSCRIBE/UNSUBSCRIBE per lock and a
    // hand-over wakes exactly the waiter it is for.
    private readonly string _inbox = $"{(options ?? RedisLockOptions.Default).KeyPrefix}inbox:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _waiting = new(StringComparer.Ordinal);
    private readonly Lock _listenGate = new();
    private Task? _listening;

    // Owner tokens: unique, not secret (anyone who can reach Redis can delete the key anyway), so a
    // random per-provider seed and a counter do, without a call into the system RNG per lock.
    private readonly string _tokenSeed = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    private long _tokens;

    /// <inheritdoc />
    public string Backend => "redis";

    /// <inheritdoc />
    public IDistributedLock CreateLock(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var keys = new LockKeys(KeysOf(name, _options.KeyPrefix));
        return new NamedLock(name, (lockName, wait, cancellationToken) => EnterAsync(lockName, keys, wait, cancellationToken));
    }

    // The keys each script takes, built once per lock rather than sliced on every acquire.
    private sealed class LockKeys(RedisKey[] all)
    {
        public RedisKey[] All { get; } = all;

        public RedisKey[] ForTry { get; } = all[..3];

        public RedisKey[] ForRelease { get; } = all[..4];
    }

    /// <summary>The keys a lock uses, so operators and tests can find them.</summary>
    public static RedisKey[] KeysOf(string name, string prefix = "distkit:lock:") =>
        [$"{prefix}{{{name}}}", $"{prefix}{{{name}}}:fence", $"{prefix}{{{name}}}:queue", $"{prefix}{{{name}}}:waiters", $"{prefix}{{{name}}}:arrivals"];

    private async ValueTask<LockHandle?> EnterAsync(string name, LockKeys lockKeys, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var activity = Diagnostics.RedisDiagnostics.Start("lock acquire", name);
        var time = _options.Lease.TimeProvider;
        var keys = lockKeys.All;
        var token = $"{_tokenSeed}{Interlocked.Increment(ref _tokens):x}@{_inbox}";
        var database = redis.GetDatabase();
        var ttlMs = (long)_options.Lease.EngineTtl.TotalMilliseconds;
        var waiterMs = (long)_options.WaiterTimeout.TotalMilliseconds;
        var handOverValidity = _options.WaiterTimeout < _options.Lease.Ttl ? _options.WaiterTimeout : _options.Lease.Ttl;
        var handOverMs = (long)(handOverValidity + _options.Lease.ClockDrift).TotalMilliseconds;
        var release = new ReleaseCommand(Release, lockKeys.ForRelease, [token, handOverMs]);
        var deadline = wait != Timeout.InfiniteTimeSpan ? time.GetTimestamp() + (long)(wait.TotalSeconds * time.TimestampFrequency) : long.MaxValue;

        LockHandle Held(RedisLease lease) => new(name, lease.FencingToken, () => lease.DisposeAsync(), () => lease.LossReason, lease.Lost);

        // Set while a call may have left this caller queued or holding on the server without it
        // knowing (cancelled, timed out, or queued and then gave up): the finally block then runs
        // the release script, which frees the lock if it is ours and otherwise leaves the queue.
        var cleanUp = false;
        TaskCompletionSource<long>? handedOver = null;
        try
        {
            // The uncontended case: one round trip, no subscription. The round trip is bounded by
            // the client's own timeout; checking the token before it costs nothing, registering on
            // it for the call would cost every lock an allocation.
            cancellationToken.ThrowIfCancellationRequested();
            var started = time.GetTimestamp();
            cleanUp = true;
            var fence = (long)await Try.EvaluateAsync(database, lockKeys.ForTry, [token, ttlMs]);
            if (fence < 0)
            {
                // Waiters queue (or queued and died): the full script prunes and keeps their order.
                started = time.GetTimestamp();
                fence = (long)await Acquire.EvaluateAsync(database, keys, [token, ttlMs, waiterMs, "0"]).WaitAsync(cancellationToken);
            }

            cleanUp = false;
            if (fence > 0)
            {
                return Held(RedisLease.Start(redis, keys[0], name, token, fence, _options.Lease, started, release));
            }

            if (wait == TimeSpan.Zero)
            {
                return null;
            }

            // Listen before queueing, so a hand-over right after we join the queue is not missed.
            handedOver = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting[token] = handedOver;
            try
            {
                await ListenAsync();
            }
            catch (RedisException)
            {
                // No inbox for now: the waiter's 100 ms checks still find the lock handed to it.
            }

            // The start of our last call that left us waiting: it ran before any hand-over whose
            // fence is above the counter that call saw, which is the only kind we accept.
            var lastQueuedAt = started;
            var counterSeen = -fence;
            while (true)
            {
                if (handedOver.Task.IsCompletedSuccessfully)
                {
                    var handedFence = handedOver.Task.Result;
                    if (handedFence > counterSeen)
                    {
                        cleanUp = false;
                        return Held(RedisLease.StartHandedOver(redis, keys[0], name, token, handedFence, _options.Lease, lastQueuedAt, handOverValidity, release));
                    }

                    // A message from before our last call (which found the lock not ours, so that
                    // hand-over lapsed while we were not running): wait for a fresh one.
                    handedOver = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _waiting[token] = handedOver;
                }

                var willWait = time.GetTimestamp() < deadline;
                started = time.GetTimestamp();
                cleanUp = true;
                fence = (long)await Acquire.EvaluateAsync(database, keys, [token, ttlMs, waiterMs, willWait ? "1" : "0"]).WaitAsync(cancellationToken);
                if (fence > 0)
                {
                    cleanUp = false;
                    return Held(RedisLease.Start(redis, keys[0], name, token, fence, _options.Lease, started, release));
                }

                if (!willWait)
                {
                    return null;
                }

                lastQueuedAt = started;
                counterSeen = Math.Max(counterSeen, -fence);
                var left = deadline == long.MaxValue ? _options.PollInterval : time.GetElapsedTime(time.GetTimestamp(), deadline);
                var nap = left < _options.PollInterval ? left : _options.PollInterval;
                if (nap > TimeSpan.Zero)
                {
                    await Task.WhenAny(handedOver.Task, Task.Delay(nap, time, cancellationToken));
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
        }
        catch (Exception e) when (RedisErrors.IsOutage(e))
        {
            throw RedisErrors.Unavailable(e);
        }
        finally
        {
            if (handedOver is not null)
            {
                _waiting.TryRemove(token, out _);
            }

            if (cleanUp)
            {
                // Leave no trace behind, and pass the lock on if it was handed to us meanwhile.
                try
                {
                    await Release.EvaluateAsync(database, lockKeys.ForRelease, [token, handOverMs]);
                }
                catch (Exception e) when (e is RedisException or TimeoutException)
                {
                    // Redis is unreachable: the queue entry lapses after WaiterTimeout, a lock after its TTL.
                }
            }
        }
    }

    private Task ListenAsync()
    {
        lock (_listenGate)
        {
            // A failed subscription is retried by the next waiter; meanwhile waiters poll.
            if (_listening is null || _listening.IsFaulted || _listening.IsCanceled)
            {
                _listening = redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_inbox), OnHandOver);
            }

            return _listening;
        }
    }

    // "token fence": the lock is now the waiter's with that token.
    private void OnHandOver(RedisChannel channel, RedisValue message)
    {
        var text = (string?)message ?? "";
        var space = text.LastIndexOf(' ');
        if (space > 0 && long.TryParse(text.AsSpan(space + 1), out var fence) && _waiting.TryGetValue(text[..space], out var waiter))
        {
            waiter.TrySetResult(fence);
        }
    }

    /// <summary>Stops listening for hand-overs; locks still held stay held until released.</summary>
    public async ValueTask DisposeAsync() =>
        await redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(_inbox), OnHandOver);
}
