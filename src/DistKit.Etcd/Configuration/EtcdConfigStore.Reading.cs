using System.Globalization;
using DistKit.Configuration;
using Etcdserverpb;
using Google.Protobuf;

namespace DistKit.Etcd.Configuration;

public sealed partial class EtcdConfigStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyVersion>> HistoryAsync(string ns, string key, int limit, long? beforeVersion = null, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<KeyVersion>>(async () =>
        {
            var (from, to) = _keys.Histories(ns, key, beforeVersion);
            var range = await _client.GetAsync(new RangeRequest
            {
                Key = from, RangeEnd = to, Limit = limit, SortTarget = RangeRequest.Types.SortTarget.Key, SortOrder = RangeRequest.Types.SortOrder.Descend,
            }, cancellationToken: cancellationToken);
            return [.. range.Kvs.Select(kv => ToVersion(ns, kv.Key, kv.Value))];
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<KeyVersion?> VersionAsync(string ns, string key, long version, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            var kv = (await _client.GetAsync(new RangeRequest { Key = _keys.History(ns, key, version) }, cancellationToken: cancellationToken)).Kvs.FirstOrDefault();
            return kv is null ? null : ToVersion(ns, kv.Key, kv.Value);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyVersion>> StateAtAsync(string ns, long revision, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<KeyVersion>>(async () =>
        {
            var (from, to) = _keys.NamespaceHistory(ns);
            var range = await _client.GetAsync(new RangeRequest { Key = from, RangeEnd = to }, cancellationToken: cancellationToken);
            // Keys in byte order: each key's versions ascend, so the last one at or before the revision wins.
            var state = new Dictionary<string, KeyVersion>(StringComparer.Ordinal);
            foreach (var kv in range.Kvs)
            {
                var version = ToVersion(ns, kv.Key, kv.Value);
                if (version.Revision <= revision)
                {
                    state[version.Key] = version;
                }
            }

            return [.. state.Values.OrderBy(v => v.Key, StringComparer.Ordinal)];
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConfigRelease>> ReleasesAfterAsync(long revision, string? ns, int limit, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ConfigRelease>>(async () =>
        {
            var (from, to) = ns is null ? _keys.ReleasesAfter(revision) : _keys.NamespaceReleasesAfter(ns, revision);
            var range = await _client.GetAsync(new RangeRequest { Key = from, RangeEnd = to, Limit = limit }, cancellationToken: cancellationToken);
            return [.. range.Kvs.Select(kv => ToRelease(kv.Key, kv.Value))];
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConfigRelease>> ReleasesAsync(string ns, int limit, long? beforeRevision = null, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ConfigRelease>>(async () =>
        {
            var (from, to) = _keys.NamespaceReleasesBefore(ns, beforeRevision);
            var range = await _client.GetAsync(new RangeRequest
            {
                Key = from, RangeEnd = to, Limit = limit, SortTarget = RangeRequest.Types.SortTarget.Key, SortOrder = RangeRequest.Types.SortOrder.Descend,
            }, cancellationToken: cancellationToken);
            return [.. range.Kvs.Select(kv => ToRelease(kv.Key, kv.Value))];
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<ConfigRelease?> GrayAtAsync(string ns, long revision, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            var (from, to) = _keys.GrayReleasesUpTo(ns, revision);
            var kv = (await _client.GetAsync(new RangeRequest
            {
                Key = from, RangeEnd = to, Limit = 1, SortTarget = RangeRequest.Types.SortTarget.Key, SortOrder = RangeRequest.Types.SortOrder.Descend,
            }, cancellationToken: cancellationToken)).Kvs.FirstOrDefault();
            return kv is null ? null : ToRelease(kv.Key, kv.Value);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> NamespacesAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<string>>(async () =>
        {
            // Names only: reading every value to skip namespaces whose keys are all deleted would
            // move the whole store; such a namespace is listed, and reads as empty.
            var names = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var (from, to) in new[] { _keys.AllEntries, _keys.AllDrafts, _keys.AllSchemas })
            {
                foreach (var kv in (await _client.GetAsync(new RangeRequest { Key = from, RangeEnd = to, KeysOnly = true }, cancellationToken: cancellationToken)).Kvs)
                {
                    names.Add(_keys.Split(kv.Key).Ns);
                }
            }

            return [.. names];
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<ConfigDraft> StageAsync(string ns, ConfigChange change, string author, DateTimeOffset time, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(change);
            var staged = time.ToUnixTimeMilliseconds();
            var put = await _client.PutAsync(new PutRequest
            {
                Key = _keys.Draft(ns, change.Key),
                Value = Json(new EtcdDraft(change.Type, change.Value, change.ExpectedVersion, author, staged), EtcdConfigJson.Default.EtcdDraft),
            }, cancellationToken: cancellationToken);
            // The put's revision is the key's mod revision: the draft's sequence.
            return new ConfigDraft(ns, change, author, put.Header.Revision, DateTimeOffset.FromUnixTimeMilliseconds(staged));
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConfigDraft>> DraftsAsync(string ns, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ConfigDraft>>(async () =>
        {
            var (from, to) = _keys.Drafts(ns);
            var range = await _client.GetAsync(new RangeRequest { Key = from, RangeEnd = to }, cancellationToken: cancellationToken);
            return [.. range.Kvs.Select(kv =>
            {
                var draft = Read(kv.Value, EtcdConfigJson.Default.EtcdDraft);
                return new ConfigDraft(ns, new ConfigChange(_keys.Split(kv.Key).Key, draft.Type, draft.Value, draft.Expected), draft.Author, kv.ModRevision,
                    DateTimeOffset.FromUnixTimeMilliseconds(draft.Staged));
            })];
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> DiscardDraftsAsync(string ns, string? key = null, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            var (from, to) = _keys.Drafts(ns);
            var request = key is null ? new DeleteRangeRequest { Key = from, RangeEnd = to } : new DeleteRangeRequest { Key = _keys.Draft(ns, key) };
            return (int)(await _client.DeleteAsync(request, cancellationToken: cancellationToken)).Deleted;
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask SetSchemaAsync(string ns, string? key, string? schema, CancellationToken cancellationToken = default) =>
        await RunAsync(async () =>
        {
            var name = _keys.Schema(ns, key ?? "");
            if (schema is null)
            {
                await _client.DeleteAsync(new DeleteRangeRequest { Key = name }, cancellationToken: cancellationToken);
            }
            else
            {
                await _client.PutAsync(new PutRequest { Key = name, Value = ByteString.CopyFromUtf8(schema) }, cancellationToken: cancellationToken);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> SchemasAsync(string ns, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyDictionary<string, string>>(async () =>
        {
            var (from, to) = _keys.Schemas(ns);
            var range = await _client.GetAsync(new RangeRequest { Key = from, RangeEnd = to }, cancellationToken: cancellationToken);
            return range.Kvs.ToDictionary(kv => _keys.Split(kv.Key).Key, kv => kv.Value.ToStringUtf8(), StringComparer.Ordinal);
        }, cancellationToken);

    // h/{ns}\0{key}\0{version}: the key and version are in the name, the rest in the value.
    private static KeyVersion ToVersion(string ns, ByteString historyKey, ByteString value)
    {
        var name = historyKey.ToStringUtf8();
        var keyStart = name.IndexOf('\0', StringComparison.Ordinal) + 1;
        var versionStart = name.LastIndexOf('\0') + 1;
        var version = Read(value, EtcdConfigJson.Default.EtcdVersion);
        return new KeyVersion(ns, name[keyStart..(versionStart - 1)], long.Parse(name.AsSpan(versionStart), NumberStyles.None, CultureInfo.InvariantCulture),
            version.Revision, version.Type, version.Value, version.Author, version.Message, DateTimeOffset.FromUnixTimeMilliseconds(version.Time));
    }

    // r/{revision} and n/{ns}\0{revision}: the revision is the name's last 20 digits.
    private static ConfigRelease ToRelease(ByteString releaseKey, ByteString value)
    {
        var name = releaseKey.ToStringUtf8();
        var revision = long.Parse(name.AsSpan(name.Length - 20), NumberStyles.None, CultureInfo.InvariantCulture);
        var release = Read(value, EtcdConfigJson.Default.EtcdRelease);
        var time = DateTimeOffset.FromUnixTimeMilliseconds(release.Time);
        return new ConfigRelease(revision, release.Ns, release.Kind, release.Author, release.Message, time,
            [.. release.Changes.Select(c => new KeyVersion(release.Ns, c.Key, c.Version, revision, c.Type, c.Value, release.Author, release.Message, time))],
            ReleaseRecords.Target(release.Target));
    }
}
