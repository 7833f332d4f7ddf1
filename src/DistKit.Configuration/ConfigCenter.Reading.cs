using DistKit.Configuration.Internal;
using DistKit.Configuration.Values;
using DistKit.Configuration.Watching;

namespace DistKit.Configuration;

public sealed partial class ConfigCenter
{
    /// <inheritdoc />
    public ValueTask<ConfigEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken = default) =>
        _store.GetAsync(ConfigNames.CheckNamespace(ns), ConfigNames.CheckKey(key), cancellationToken);

    /// <inheritdoc />
    public ValueTask<ConfigSnapshot> ReadAsync(string ns, string? prefix = null, CancellationToken cancellationToken = default) =>
        _store.ReadAsync(ConfigNames.CheckNamespace(ns), string.IsNullOrEmpty(prefix) ? null : prefix, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> NamespacesAsync(CancellationToken cancellationToken = default) =>
        [.. (await _store.NamespacesAsync(cancellationToken)).Where(ns => ConfigNames.NamespaceProblem(ns) is null)];

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyVersion>> HistoryAsync(string ns, string key, int limit = 100, long? beforeVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        return _store.HistoryAsync(ConfigNames.CheckNamespace(ns), ConfigNames.CheckKey(key), limit, beforeVersion, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<KeyVersion?> VersionAsync(string ns, string key, long version, CancellationToken cancellationToken = default) =>
        _store.VersionAsync(ConfigNames.CheckNamespace(ns), ConfigNames.CheckKey(key), version, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<ConfigDiff> DiffAsync(string ns, string key, long fromVersion, long toVersion, CancellationToken cancellationToken = default)
    {
        var older = await VersionAsync(ns, key, fromVersion, cancellationToken) ?? throw new KeyNotFoundException($"key '{key}' in '{ns}' has no version {fromVersion}");
        var newer = await VersionAsync(ns, key, toVersion, cancellationToken) ?? throw new KeyNotFoundException($"key '{key}' in '{ns}' has no version {toVersion}");
        return new ConfigDiff(older, newer, LineDiff.Compute(older.Value ?? "", newer.Value ?? ""));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConfigRelease>> ReleasesAsync(string ns, int limit = 100, long? beforeRevision = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        return _store.ReleasesAsync(ConfigNames.CheckNamespace(ns), limit, beforeRevision, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask SetSchemaAsync(string ns, string? key, string? schema, CancellationToken cancellationToken = default)
    {
        ConfigNames.CheckNamespace(ns);
        if (key is not null)
        {
            ConfigNames.CheckKey(key);
        }

        if (schema is not null)
        {
            var built = ConfigSchema.Parse(schema);
            if (key is not null)
            {
                if (await _store.GetAsync(ns, key, cancellationToken) is { } entry)
                {
                    built.Check(key, ConfigValues.ToJson(key, entry.Type, entry.Value));
                }
            }
            else
            {
                var snapshot = await _store.ReadAsync(ns, null, cancellationToken);
                built.Check(null, SchemaChecks.NamespaceObject(snapshot.Entries, []));
            }
        }

        await _store.SetSchemaAsync(ns, key, schema, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> SchemasAsync(string ns, CancellationToken cancellationToken = default) =>
        _store.SchemasAsync(ConfigNames.CheckNamespace(ns), cancellationToken);

    /// <inheritdoc />
    public ConfigWatch Watch(string ns, string? prefix = null, long? fromRevision = null, WatcherInfo? who = null)
    {
        ConfigNames.CheckNamespace(ns);
        if (fromRevision is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fromRevision), fromRevision, "a revision is 0 or more");
        }

        var watch = new ConfigWatch(_store, _feed, _options, ns, prefix, fromRevision, who ?? WatcherInfo.Anonymous(_time.GetUtcNow()), Ended, _time, _telemetry, SawGray);
        _watches.TryAdd(watch, 0);
        _telemetry.WatcherChanged(1);
        return watch;
    }

    private void Ended(ConfigWatch watch)
    {
        if (_watches.TryRemove(watch, out _))
        {
            _telemetry.WatcherChanged(-1);
        }
    }
}
