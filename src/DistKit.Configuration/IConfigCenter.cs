using DistKit.Configuration.Values;
using DistKit.Configuration.Watching;

namespace DistKit.Configuration;

/// <summary>
/// The configuration center: validated, recorded, reversible changes to namespaces of keys, and
/// watches on them. <c>AddConfiguration()</c> registers it on the configured store; the node serves
/// it over HTTP.
/// </summary>
public interface IConfigCenter
{
    /// <summary>The store's engine.</summary>
    string Engine { get; }

    /// <summary>Publishes <paramref name="changes"/> to <paramref name="ns"/> as one release, once each value parses as its type and meets its schemas.</summary>
    /// <exception cref="ConfigValidationException">A value is invalid; nothing was stored.</exception>
    /// <exception cref="ConfigConflictException">A compare-and-set condition failed; nothing was stored.</exception>
    /// <exception cref="KeyNotFoundException">A delete names a key that does not exist.</exception>
    ValueTask<ConfigRelease> PublishAsync(string ns, IReadOnlyList<ConfigChange> changes, string author, string? message = null, CancellationToken cancellationToken = default);

    /// <summary>Stages <paramref name="change"/> as a draft (checked as a publish would check it), visible to nobody until <see cref="PublishDraftsAsync"/>.</summary>
    ValueTask<ConfigDraft> StageAsync(string ns, ConfigChange change, string author, CancellationToken cancellationToken = default);

    /// <summary>The namespace's drafts, in key order.</summary>
    ValueTask<IReadOnlyList<ConfigDraft>> DraftsAsync(string ns, CancellationToken cancellationToken = default);

    /// <summary>Removes the namespace's drafts (of one key, when given); returns how many.</summary>
    ValueTask<int> DiscardDraftsAsync(string ns, string? key = null, CancellationToken cancellationToken = default);

    /// <summary>Publishes every draft of the namespace as one release and removes them.</summary>
    /// <exception cref="InvalidOperationException">The namespace has no drafts.</exception>
    ValueTask<ConfigRelease> PublishDraftsAsync(string ns, string author, string? message = null, CancellationToken cancellationToken = default);

    /// <summary>Writes version <paramref name="version"/> of the key again (deletes it, if that version was a delete), as a new release.</summary>
    ValueTask<ConfigRelease> RollbackKeyAsync(string ns, string key, long version, string author, string? message = null, CancellationToken cancellationToken = default);

    /// <summary>Puts every key of the namespace back as it was at <paramref name="revision"/>, as one new release.</summary>
    ValueTask<ConfigRelease> RollbackNamespaceAsync(string ns, long revision, string author, string? message = null, CancellationToken cancellationToken = default);

    /// <summary>A key's current value, or null.</summary>
    ValueTask<ConfigEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken = default);

    /// <summary>The namespace's live keys (under <paramref name="prefix"/>, when given) and the revision they are at.</summary>
    ValueTask<ConfigSnapshot> ReadAsync(string ns, string? prefix = null, CancellationToken cancellationToken = default);

    /// <summary>Every namespace in the store.</summary>
    ValueTask<IReadOnlyList<string>> NamespacesAsync(CancellationToken cancellationToken = default);

    /// <summary>The key's versions, newest first.</summary>
    ValueTask<IReadOnlyList<KeyVersion>> HistoryAsync(string ns, string key, int limit = 100, long? beforeVersion = null, CancellationToken cancellationToken = default);

    /// <summary>One version of a key, or null.</summary>
    ValueTask<KeyVersion?> VersionAsync(string ns, string key, long version, CancellationToken cancellationToken = default);

    /// <summary>The line diff from version <paramref name="fromVersion"/> of a key to version <paramref name="toVersion"/>.</summary>
    /// <exception cref="KeyNotFoundException">The key has no such version.</exception>
    ValueTask<ConfigDiff> DiffAsync(string ns, string key, long fromVersion, long toVersion, CancellationToken cancellationToken = default);

    /// <summary>The namespace's releases, newest first.</summary>
    ValueTask<IReadOnlyList<ConfigRelease>> ReleasesAsync(string ns, int limit = 100, long? beforeRevision = null, CancellationToken cancellationToken = default);

    /// <summary>Sets (null: removes) the JSON Schema of a key, or of the namespace when <paramref name="key"/> is null; refused when the current value breaks it.</summary>
    /// <exception cref="ArgumentException">The text is not a JSON Schema.</exception>
    /// <exception cref="ConfigValidationException">The current value (or namespace) breaks it.</exception>
    ValueTask SetSchemaAsync(string ns, string? key, string? schema, CancellationToken cancellationToken = default);

    /// <summary>The namespace's schemas by key; the namespace's own is under the empty key.</summary>
    ValueTask<IReadOnlyDictionary<string, string>> SchemasAsync(string ns, CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches the namespace (its keys under <paramref name="prefix"/>, when given) from after
    /// <paramref name="fromRevision"/>, or from a snapshot when it is null. Dispose the watch to end it.
    /// </summary>
    ConfigWatch Watch(string ns, string? prefix = null, long? fromRevision = null, WatcherInfo? who = null);

    /// <summary>
    /// Starts a gray release: <paramref name="changes"/> reach only the clients <paramref name="target"/>
    /// matches, on top of the namespace's values, until promoted or abandoned. One per namespace at a time.
    /// </summary>
    /// <exception cref="InvalidOperationException">The namespace has a gray release already.</exception>
    ValueTask<ConfigRelease> StartGrayAsync(string ns, IReadOnlyList<ConfigChange> changes, GrayTarget target, string author, string? message = null, CancellationToken cancellationToken = default);

    /// <summary>Publishes the gray release's values to everyone (a release of kind promote), which ends it.</summary>
    ValueTask<ConfigRelease> PromoteGrayAsync(string ns, string author, string? message = null, CancellationToken cancellationToken = default);

    /// <summary>Ends the gray release: the clients that had it get the namespace's own values back.</summary>
    ValueTask<ConfigRelease> AbandonGrayAsync(string ns, string author, string? message = null, CancellationToken cancellationToken = default);

    /// <summary>The namespace's gray release in progress, or null.</summary>
    ValueTask<ConfigRelease?> GrayAsync(string ns, CancellationToken cancellationToken = default);

    /// <summary>The clients the gray release of <paramref name="ns"/> at <paramref name="revision"/> reached through this process (of its 64 most recent grays), first first.</summary>
    IReadOnlyList<GraySighting> GraySeen(string ns, long revision);

    /// <summary>The watches open in this process now.</summary>
    IReadOnlyList<ConfigWatch> Watches { get; }
}

/// <summary>A client a gray release reached, and when.</summary>
/// <param name="Who">The client, as it described itself.</param>
/// <param name="At">When it was handed the gray release.</param>
public sealed record GraySighting(WatcherInfo Who, DateTimeOffset At);

/// <summary>Two versions of a key and the lines between them.</summary>
/// <param name="From">The older side.</param>
/// <param name="To">The newer side.</param>
/// <param name="Lines">The line diff; a deleted side counts as empty text.</param>
public sealed record ConfigDiff(KeyVersion From, KeyVersion To, IReadOnlyList<DiffLine> Lines);
