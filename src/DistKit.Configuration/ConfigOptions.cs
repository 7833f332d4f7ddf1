namespace DistKit.Configuration;

/// <summary>The configuration center's settings (<c>DistKit:Config</c>), validated at start.</summary>
public sealed class ConfigOptions
{
    /// <summary>The capability's name in settings and the engine catalog.</summary>
    public const string Capability = "config";

    /// <summary>The store's engine: <c>embedded</c> (SQLite in the data directory), <c>postgres</c> or <c>etcd</c>. Default: embedded.</summary>
    public string Engine { get; set; } = "embedded";

    /// <summary>
    /// How far behind a resuming watcher may be and still get every release it missed; one further
    /// behind gets a snapshot instead. 1 to 100,000 releases. Default: 1,000.
    /// </summary>
    public int ReplayLimit { get; set; } = 1000;

    /// <summary>
    /// How often the center reads the store for releases other processes published, in case a
    /// notice was missed (or the store cannot send one, as SQLite cannot). 10 ms to 1 min. Default: 1 s.
    /// </summary>
    public TimeSpan Poll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest value, in characters. 1 to 16 Mi. Default: 1 Mi.</summary>
    public int MaxValueLength { get; set; } = 1024 * 1024;

    /// <summary>How many recent releases the center keeps in memory to answer watchers without reading the store. 16 to 1 Mi. Default: 4,096.</summary>
    public int RecentReleases { get; set; } = 4096;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public ConfigOptions Validate()
    {
        if (ReplayLimit is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(ReplayLimit), ReplayLimit, "ReplayLimit must be 1 to 100000.");
        }

        if (Poll < TimeSpan.FromMilliseconds(10) || Poll > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Poll), Poll, "Poll must be 10 ms to 1 min.");
        }

        if (MaxValueLength is < 1 or > 16 * 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxValueLength), MaxValueLength, "MaxValueLength must be 1 to 16777216.");
        }

        if (RecentReleases is < 16 or > 1024 * 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(RecentReleases), RecentReleases, "RecentReleases must be 16 to 1048576.");
        }

        return this;
    }
}
