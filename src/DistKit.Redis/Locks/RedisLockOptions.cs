using DistKit.Core.Leases;

namespace DistKit.Redis.Locks;

/// <summary>How <see cref="RedisLockProvider"/> holds and waits for locks.</summary>
public sealed record RedisLockOptions
{
    /// <summary>15 s leases renewed every 5 s; waiters re-check every 100 ms and keep their place for 2 s.</summary>
    public static RedisLockOptions Default { get; } = new();

    /// <summary>TTL, drift and renewal of the held lock. Default: <see cref="LeaseOptions.Default"/>.</summary>
    public LeaseOptions Lease { get; init; } = LeaseOptions.Default;

    /// <summary>The longest a waiter sleeps between tries when no release message arrives, 10 ms to 5 s. Default: 100 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a waiter that stops retrying keeps its place in the queue, at least 3 × <see cref="PollInterval"/>. Default: 2 s.</summary>
    public TimeSpan WaiterTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Prefix of every key. Default: <c>distkit:lock:</c>.</summary>
    public string KeyPrefix { get; init; } = "distkit:lock:";

    internal RedisLockOptions Validate()
    {
        Lease.Validate();
        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromSeconds(5))
        {
            throw new ArgumentOutOfRangeException(nameof(PollInterval), PollInterval, "PollInterval must be 10 ms to 5 s.");
        }

        if (WaiterTimeout < PollInterval * 3)
        {
            throw new ArgumentOutOfRangeException(nameof(WaiterTimeout), WaiterTimeout, "WaiterTimeout must be at least three PollIntervals.");
        }

        ArgumentException.ThrowIfNullOrEmpty(KeyPrefix);
        return this;
    }
}
