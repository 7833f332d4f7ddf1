namespace DistKit.Configuration;

/// <summary>The compare-and-set rules every store applies inside its release transaction, written once.</summary>
public static class ConfigStoreRules
{
    /// <summary>
    /// Refuses a gray release while <paramref name="latest"/> (the namespace's newest gray, gray end
    /// or promote, read inside the release's transaction) is a gray still on: one gray per namespace.
    /// </summary>
    /// <exception cref="InvalidOperationException">The namespace has a gray release already.</exception>
    public static void CheckOneGray(string ns, ReleaseKind kind, ReleaseKind? latest, long latestRevision)
    {
        if (kind == ReleaseKind.Gray && latest == ReleaseKind.Gray)
        {
            throw new InvalidOperationException($"namespace '{ns}' has a gray release already (revision {latestRevision}); promote or abandon it first");
        }

        if (kind == ReleaseKind.GrayEnd && latest != ReleaseKind.Gray)
        {
            throw new InvalidOperationException($"namespace '{ns}' has no gray release to end");
        }
    }

    /// <summary>
    /// Checks <paramref name="change"/> against the key's stored <paramref name="version"/> (0 when
    /// never written) and whether it is <paramref name="live"/> (written and not deleted). A key that
    /// does not exist matches an expected version of 0 and, once deleted, its delete's version.
    /// </summary>
    /// <exception cref="ConfigConflictException">The key is not at the expected version.</exception>
    /// <exception cref="KeyNotFoundException">The change deletes a key that does not exist.</exception>
    public static void Check(string ns, ConfigChange change, long version, bool live)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.ExpectedVersion is { } expected && !(expected == version && (live || version > 0) || !live && expected == 0))
        {
            throw new ConfigConflictException(ns, change.Key, expected, live ? version : 0);
        }

        if (change.Value is null && !live)
        {
            throw new KeyNotFoundException($"key '{change.Key}' in '{ns}' does not exist");
        }
    }
}
