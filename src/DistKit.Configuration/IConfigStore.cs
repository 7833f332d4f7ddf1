namespace DistKit.Configuration;

/// <summary>
/// Where the configuration center keeps its data: current values, the append-only history of every
/// key, the releases, drafts and schemas. One implementation per engine; every one passes the same
/// contract suite.
/// </summary>
/// <remarks>
/// The store owns atomicity and order: <see cref="PublishAsync"/> checks every compare-and-set
/// condition and writes the whole release or nothing, and revisions become visible in order, so a
/// reader of <see cref="ReleasesAfterAsync"/> that has seen revision r can never later find a
/// release below r it has not seen. Validation is the center's, before it calls the store. Every
/// method throws <see cref="DistKit.Core.EngineUnavailableException"/> when the engine does not answer.
/// </remarks>
public interface IConfigStore
{
    /// <summary>The engine's name (<c>embedded</c>, <c>postgres</c>, <c>etcd</c>).</summary>
    string Engine { get; }

    /// <summary>Publishes <paramref name="release"/> under the next revision, all or nothing.</summary>
    /// <exception cref="ConfigConflictException">A key is not at its expected version, or the namespace moved past <see cref="ReleaseRequest.BasedOn"/>.</exception>
    ValueTask<ConfigRelease> PublishAsync(ReleaseRequest release, CancellationToken cancellationToken = default);

    /// <summary>The namespace's live keys (those starting with <paramref name="prefix"/>, when given) and the revision the read saw.</summary>
    ValueTask<ConfigSnapshot> ReadAsync(string ns, string? prefix = null, CancellationToken cancellationToken = default);

    /// <summary>A key's current value, or null when it does not exist (never written, or deleted).</summary>
    ValueTask<ConfigEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken = default);

    /// <summary>A key's current version, 0 when it was never written (a deleted key keeps counting).</summary>
    ValueTask<long> VersionOfAsync(string ns, string key, CancellationToken cancellationToken = default);

    /// <summary>The key's versions, newest first, at most <paramref name="limit"/>, older than <paramref name="beforeVersion"/> when given.</summary>
    ValueTask<IReadOnlyList<KeyVersion>> HistoryAsync(string ns, string key, int limit, long? beforeVersion = null, CancellationToken cancellationToken = default);

    /// <summary>One version of a key, or null when it has no such version.</summary>
    ValueTask<KeyVersion?> VersionAsync(string ns, string key, long version, CancellationToken cancellationToken = default);

    /// <summary>Every key the namespace ever had, at its newest version at or before <paramref name="revision"/> (deletes included).</summary>
    ValueTask<IReadOnlyList<KeyVersion>> StateAtAsync(string ns, long revision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Releases after <paramref name="revision"/>, oldest first, at most <paramref name="limit"/>: of
    /// <paramref name="ns"/>, or of every namespace when it is null.
    /// </summary>
    ValueTask<IReadOnlyList<ConfigRelease>> ReleasesAfterAsync(long revision, string? ns, int limit, CancellationToken cancellationToken = default);

    /// <summary>The namespace's releases, newest first, at most <paramref name="limit"/>, below <paramref name="beforeRevision"/> when given.</summary>
    ValueTask<IReadOnlyList<ConfigRelease>> ReleasesAsync(string ns, int limit, long? beforeRevision = null, CancellationToken cancellationToken = default);

    /// <summary>The namespace's newest release at or before <paramref name="revision"/> that starts or ends a gray release (gray, gray end, promote), or null.</summary>
    ValueTask<ConfigRelease?> GrayAtAsync(string ns, long revision, CancellationToken cancellationToken = default);

    /// <summary>The newest revision published (0 when none).</summary>
    ValueTask<long> RevisionAsync(CancellationToken cancellationToken = default);

    /// <summary>Every namespace that has a key, a draft or a schema, in order.</summary>
    ValueTask<IReadOnlyList<string>> NamespacesAsync(CancellationToken cancellationToken = default);

    /// <summary>Stages <paramref name="change"/> as the namespace's draft for its key, replacing any earlier one.</summary>
    ValueTask<ConfigDraft> StageAsync(string ns, ConfigChange change, string author, DateTimeOffset time, CancellationToken cancellationToken = default);

    /// <summary>The namespace's drafts, in key order.</summary>
    ValueTask<IReadOnlyList<ConfigDraft>> DraftsAsync(string ns, CancellationToken cancellationToken = default);

    /// <summary>Removes the namespace's drafts (for <paramref name="key"/> only, when given); returns how many.</summary>
    ValueTask<int> DiscardDraftsAsync(string ns, string? key = null, CancellationToken cancellationToken = default);

    /// <summary>Sets (or, with null, removes) the schema of <paramref name="key"/>, or of the namespace when <paramref name="key"/> is null.</summary>
    ValueTask SetSchemaAsync(string ns, string? key, string? schema, CancellationToken cancellationToken = default);

    /// <summary>The namespace's schemas by key; the namespace's own is under the empty key.</summary>
    ValueTask<IReadOnlyDictionary<string, string>> SchemasAsync(string ns, CancellationToken cancellationToken = default);

    /// <summary>
    /// Tells of releases other processes publish, as their revisions, as soon as the engine does
    /// (PostgreSQL NOTIFY, an etcd watch). Yields 0 once listening. A store that cannot tell ends at
    /// once; the center polls <see cref="RevisionAsync"/> as well, so a missed notice only delays.
    /// </summary>
    IAsyncEnumerable<long> WatchAsync(CancellationToken cancellationToken = default);
}
