using DistKit.Core.Leases;

namespace DistKit.Scheduling.Jobs;

/// <summary>The delayed-jobs capability's settings (<c>DistKit:Jobs</c>), validated at start.</summary>
public sealed class JobsOptions
{
    /// <summary>The capability's name in settings and the engine catalog.</summary>
    public const string Capability = "jobs";

    /// <summary>The store's engine: <c>embedded</c> (SQLite in the data directory), <c>postgres</c> or <c>redis</c>. Default: embedded.</summary>
    public string Engine { get; set; } = "embedded";

    /// <summary>How many shards jobs hash into; every node of a cluster must agree, and it must not change while jobs exist. 1 to 4,096. Default: 64.</summary>
    public int Shards { get; set; } = 64;

    /// <summary>How far ahead each shard owner loads due jobs into its timing wheel. 1 s to 1 h. Default: 60 s.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The shard leases: a dead node's shards move to the others once its leases run out. Default: 15 s TTL, renewed every 5 s.</summary>
    public LeaseOptions Lease { get; set; } = LeaseOptions.Default;

    /// <summary>How long one delivery may take when the job says nothing. 1 ms to 60 s. Default: 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries when the job says nothing. Default: <see cref="RetryPolicy.Default"/> (3 attempts).</summary>
    public RetryPolicy Retry { get; set; } = RetryPolicy.Default;

    /// <summary>How many HTTP callbacks to one host (scheme, host and port) run at once; more wait their turn, so a slow receiver holds only its own. 1 to 1,000. Default: 16.</summary>
    public int MaxPerHost { get; set; } = 16;

    /// <summary>How many deliveries one node runs at once. 1 to 100,000. Default: 1,024.</summary>
    public int MaxConcurrent { get; set; } = 1024;

    /// <summary>Whether this process fires jobs (owns shards and delivers). Off for a process that only schedules. Default: true.</summary>
    public bool Fire { get; set; } = true;

    /// <summary>The longest time a job may stay in the store, as the longest a due time or cron occurrence may be away. Default: 100 years.</summary>
    public static TimeSpan MaxDelay { get; } = TimeSpan.FromDays(36525);

    /// <summary>The largest a job's timeout may be: 60 s.</summary>
    public static TimeSpan MaxTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest payload: 256 KiB of text.</summary>
    public const int MaxDataLength = 256 * 1024;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public JobsOptions Validate()
    {
        if (Shards is < 1 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(Shards), Shards, "Shards must be 1 to 4096.");
        }

        if (Window < TimeSpan.FromSeconds(1) || Window > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Window), Window, "Window must be 1 s to 1 h.");
        }

        if (Timeout < TimeSpan.FromMilliseconds(1) || Timeout > MaxTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Timeout must be 1 ms to 60 s.");
        }

        if (MaxPerHost is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPerHost), MaxPerHost, "MaxPerHost must be 1 to 1000.");
        }

        if (MaxConcurrent is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrent), MaxConcurrent, "MaxConcurrent must be 1 to 100000.");
        }

        ArgumentNullException.ThrowIfNull(Lease);
        Lease.Validate();
        ArgumentNullException.ThrowIfNull(Retry);
        Retry.Validate();
        return this;
    }
}
