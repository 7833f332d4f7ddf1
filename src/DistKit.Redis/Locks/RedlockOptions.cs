using DistKit.Core.Leases;

namespace DistKit.Redis.Locks;

/// <summary>How <see cref="RedlockProvider"/> holds and retries.</summary>
public sealed record RedlockOptions
{
    /// <summary>15 s leases renewed every 5 s, 50 ms per instance and call, retries every 50–150 ms.</summary>
    public static RedlockOptions Default { get; } = new();

    /// <summary>
    /// TTL, drift and renewal. The holder counts on <see cref="LeaseOptions.Ttl"/> from the moment it
    /// sent the acquire; the instances keep the key <see cref="LeaseOptions.ClockDrift"/> longer.
    /// Default: <see cref="LeaseOptions.Default"/>.
    /// </summary>
    public LeaseOptions Lease { get; init; } = LeaseOptions.Default;

    /// <summary>
    /// How long one call to one instance may take before that instance counts as a "no": small
    /// against the TTL, so a dead instance cannot eat the validity. 5 ms to 1 s. Default: 50 ms.
    /// </summary>
    public TimeSpan InstanceTimeout { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The mean pause between attempts while waiting, jittered ±50% so contenders do not retry in step; a release message cuts it short. 10 ms to 5 s. Default: 100 ms.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Prefix of every key. Default: <c>distkit:redlock:</c>.</summary>
    public string KeyPrefix { get; init; } = "distkit:redlock:";

    internal RedlockOptions Validate()
    {
        Lease.Validate();
        if (InstanceTimeout < TimeSpan.FromMilliseconds(5) || InstanceTimeout > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(InstanceTimeout), InstanceTimeout, "InstanceTimeout must be 5 ms to 1 s.");
        }

        if (RetryDelay < TimeSpan.FromMilliseconds(10) || RetryDelay > TimeSpan.FromSeconds(5))
        {
            throw new ArgumentOutOfRangeException(nameof(RetryDelay), RetryDelay, "RetryDelay must be 10 ms to 5 s.");
        }

        ArgumentException.ThrowIfNullOrEmpty(KeyPrefix);
        return this;
    }
}
