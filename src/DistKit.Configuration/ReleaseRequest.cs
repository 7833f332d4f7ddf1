namespace DistKit.Configuration;

/// <summary>What a store publishes as one release, all or nothing.</summary>
public sealed record ReleaseRequest
{
    /// <summary>The namespace.</summary>
    public required string Namespace { get; init; }

    /// <summary>The changes, one per key.</summary>
    public required IReadOnlyList<ConfigChange> Changes { get; init; }

    /// <summary>Who publishes it.</summary>
    public required string Author { get; init; }

    /// <summary>Why (may be empty).</summary>
    public string Message { get; init; } = "";

    /// <summary>
    /// Publish, rollback or promote write keys; a gray release and its end (<see cref="ReleaseKinds.WritesKeys"/> false) are
    /// recorded with their changes and target only, touching no key, version or compare-and-set.
    /// </summary>
    public ReleaseKind Kind { get; init; } = ReleaseKind.Publish;

    /// <summary>
    /// When set, the release commits only if no key of the namespace changed after this revision:
    /// a check made against the whole namespace (its schema, a rollback) then still holds.
    /// </summary>
    public long? BasedOn { get; init; }

    /// <summary>When set, the namespace's drafts staged at or before this draft sequence are removed with the release.</summary>
    public long? ConsumesDraftsUpTo { get; init; }

    /// <summary>For a gray release, the clients it reaches.</summary>
    public GrayTarget? Target { get; init; }

    /// <summary>The time the release is stamped with.</summary>
    public required DateTimeOffset Time { get; init; }
}
