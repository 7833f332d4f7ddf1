namespace DistKit.Configuration;

/// <summary>What a watcher receives: one release of its namespace, or a snapshot that replaces its whole view.</summary>
/// <param name="Revision">The store revision the watcher is at once it has applied this event.</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="IsSnapshot">True: <paramref name="Changes"/> is every live key (of the watched prefix) and replaces all the watcher held.</param>
/// <param name="Changes">The versions the release wrote (deletes have a null value), in key order; for a snapshot, every live key.</param>
/// <param name="Release">The release, or null for a snapshot.</param>
public sealed record ConfigEvent(long Revision, string Namespace, bool IsSnapshot, IReadOnlyList<KeyVersion> Changes, ConfigRelease? Release)
{
    /// <summary>The snapshot event of <paramref name="snapshot"/>.</summary>
    public static ConfigEvent Of(ConfigSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(snapshot.Revision, snapshot.Namespace, true,
            [.. snapshot.Entries.Select(e => new KeyVersion(e.Namespace, e.Key, e.Version, e.Revision, e.Type, e.Value, e.Author, "", e.Updated))],
            null);
    }
}
