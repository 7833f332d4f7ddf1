using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DistKit.Configuration;
using DistKit.Etcd.Internal;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;

namespace DistKit.Etcd.Configuration;

/// <summary>
/// Configuration on etcd. A release is one etcd transaction that advances a counter key (the
/// release's revision) on the condition that the counter is still where the release read it; so
/// releases are serialized by etcd itself, and as every release moves the counter, a counter that
/// has not moved proves nothing the release checked has changed. History, releases and drafts live
/// in keys of their own, so etcd's compaction never loses them; the watch on the counter key is how
/// every node hears of a release the moment it commits.
/// </summary>
/// <remarks>
/// The numbers are the counter's, not etcd's own revision, which counts every write to the cluster
/// (other apps' included). etcd takes at most <c>--max-txn-ops</c> operations per transaction
/// (default 128): a release writes two keys per change and three or four of its own and deletes the drafts
/// it publishes, so at most 62 changes per release (41 from drafts) on a default etcd; and at most <c>--max-request-bytes</c> (1.5 MiB), with each value
/// written three times (entry, history, release).
/// </remarks>
public sealed partial class EtcdConfigStore : IConfigStore, IDisposable
{
    private const int Rounds = 64;
    private const int MaxTxnOps = 128;
    private const long MaxReleaseBytes = 1_400_000;

    private readonly GrpcChannel _channel;
    private readonly EtcdClient _client;
    private readonly Watch.WatchClient _watch;
    private readonly EtcdConfigKeys _keys;

    /// <summary>Connects to <paramref name="url"/> (<c>http://host:2379</c>); every key starts with <paramref name="keyPrefix"/>.</summary>
    public EtcdConfigStore(string url, string keyPrefix = "distkit/config/")
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        _channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            ThrowOperationCanceledOnCancellation = true,
            // A page of releases, or a namespace's history, can pass gRPC's default 4 MiB answer.
            MaxReceiveMessageSize = 256 * 1024 * 1024,
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(200),
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
        });
        _client = new EtcdClient(_channel.CreateCallInvoker());
        _watch = new Watch.WatchClient(_channel);
        _keys = new EtcdConfigKeys(keyPrefix);
    }

    /// <inheritdoc />
    public string Engine => "etcd";

    /// <inheritdoc />
    public ValueTask<ConfigRelease> PublishAsync(ReleaseRequest release, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(release);
            for (var round = 1; ; round++)
            {
                if (await TryPublishAsync(release, cancellationToken) is { } published)
                {
                    return published;
                }

                if (round == Rounds)
                {
                    throw new TimeoutException($"the release of '{release.Namespace}' lost {Rounds} races in a row for etcd's release counter; try again");
                }

                // Another release moved the counter between our read and our write: read again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 3 + round)), TimeProvider.System, cancellationToken);
            }
        }, cancellationToken);

    private async Task<ConfigRelease?> TryPublishAsync(ReleaseRequest release, CancellationToken cancellationToken)
    {
        var ns = release.Namespace;
        // One read transaction: the counter, the keys' entries and the drafts, at one etcd revision.
        var read = new TxnRequest();
        read.Success.Add(Get(_keys.Counter));
        foreach (var change in release.Changes)
        {
            read.Success.Add(Get(_keys.Entry(ns, change.Key)));
        }

        var (draftsFrom, draftsTo) = _keys.Drafts(ns);
        read.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = draftsFrom, RangeEnd = draftsTo, KeysOnly = true } });
        if (release.BasedOn is not null)
        {
            var (from, to) = _keys.Entries(ns);
            read.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = from, RangeEnd = to } });
        }

        var grayAt = read.Success.Count;
        if (!release.Kind.WritesKeys())
        {
            // The counter condition below keeps this look true to the commit.
            var (from, to) = _keys.GrayReleasesUpTo(ns, long.MaxValue);
            read.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = from, RangeEnd = to, Limit = 1, SortTarget = RangeRequest.Types.SortTarget.Key, SortOrder = RangeRequest.Types.SortOrder.Descend } });
        }

        var snapshot = await _client.TransactionAsync(read, cancellationToken: cancellationToken);
        var counterKv = snapshot.Responses[0].ResponseRange.Kvs.FirstOrDefault();
        var counter = counterKv is null ? 0 : long.Parse(counterKv.Value.ToStringUtf8(), NumberStyles.None, CultureInfo.InvariantCulture);
        if (!release.Kind.WritesKeys())
        {
            var latest = snapshot.Responses[grayAt].ResponseRange.Kvs.FirstOrDefault();
            var latestRelease = latest is null ? null : Read(latest.Value, EtcdConfigJson.Default.EtcdRelease);
            ConfigStoreRules.CheckOneGray(ns, release.Kind, latestRelease?.Kind, latest is null ? 0 : long.Parse(latest.Key.ToStringUtf8().AsSpan(latest.Key.Length - 20), NumberStyles.None, CultureInfo.InvariantCulture));
        }

        if (release.BasedOn is { } basedOn)
        {
            var moved = snapshot.Responses[release.Changes.Count + 2].ResponseRange.Kvs.Select(kv => Read(kv.Value, EtcdConfigJson.Default.EtcdEntry).Revision).DefaultIfEmpty(0).Max();
            if (moved > basedOn)
            {
                throw new ConfigConflictException(ns, null, basedOn, moved);
            }
        }

        var writes = release.Kind.WritesKeys();
        var versions = new long[release.Changes.Count];
        for (var i = 0; i < release.Changes.Count && writes; i++)
        {
            var kv = snapshot.Responses[i + 1].ResponseRange.Kvs.FirstOrDefault();
            var entry = kv is null ? null : Read(kv.Value, EtcdConfigJson.Default.EtcdEntry);
            ConfigStoreRules.Check(ns, release.Changes[i], entry?.Version ?? 0, entry?.Value is not null);
            versions[i] = (entry?.Version ?? 0) + 1;
        }

        var drafts = release.ConsumesDraftsUpTo is { } upTo
            ? snapshot.Responses[release.Changes.Count + 1].ResponseRange.Kvs.Where(kv => kv.ModRevision <= upTo).ToList()
            : [];
        if (4 + 2 * release.Changes.Count + drafts.Count > MaxTxnOps)
        {
            throw new ArgumentException(
                $"a release on etcd writes 2 keys per change, 3 of its own and deletes its drafts, at most {MaxTxnOps} in all (etcd's default --max-txn-ops): {release.Changes.Count} changes are too many; publish them in parts",
                nameof(release));
        }

        var bytes = release.Changes.Sum(c => 3L * System.Text.Encoding.UTF8.GetByteCount(c.Value ?? ""));
        if (bytes > MaxReleaseBytes)
        {
            throw new ArgumentException(
                $"a release on etcd writes each value three times (entry, history, release) in one request of at most 1.5 MiB (etcd's default --max-request-bytes): {bytes / 3} bytes of values are too many",
                nameof(release));
        }

        var revision = counter + 1;
        var time = release.Time.ToUnixTimeMilliseconds();
        var write = new TxnRequest();
        write.Compare.Add(counterKv is null
            ? new Compare { Key = _keys.Counter, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 }
            : new Compare { Key = _keys.Counter, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = counterKv.ModRevision });
        foreach (var draft in drafts)
        {
            // Staged again since it was read: it is a newer draft, and must stay.
            write.Compare.Add(new Compare { Key = draft.Key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = draft.ModRevision });
            write.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = draft.Key } });
        }

        write.Success.Add(Put(_keys.Counter, ByteString.CopyFromUtf8(revision.ToString(CultureInfo.InvariantCulture))));
        var changes = new List<EtcdChange>(release.Changes.Count);
        var written = new List<KeyVersion>(release.Changes.Count);
        for (var i = 0; i < release.Changes.Count; i++)
        {
            var change = release.Changes[i];
            if (writes)
            {
                write.Success.Add(Put(_keys.Entry(ns, change.Key), Json(new EtcdEntry(change.Type, change.Value, versions[i], revision, release.Author, time), EtcdConfigJson.Default.EtcdEntry)));
                write.Success.Add(Put(_keys.History(ns, change.Key, versions[i]), Json(new EtcdVersion(change.Type, change.Value, revision, release.Author, release.Message, time), EtcdConfigJson.Default.EtcdVersion)));
            }

            changes.Add(new EtcdChange(change.Key, writes ? versions[i] : 0, change.Type, change.Value));
            written.Add(new KeyVersion(ns, change.Key, writes ? versions[i] : 0, revision, change.Type, change.Value, release.Author, release.Message, DateTimeOffset.FromUnixTimeMilliseconds(time)));
        }

        var record = Json(new EtcdRelease(ns, release.Kind, release.Author, release.Message, time, changes, ReleaseRecords.TargetJson(release.Target)), EtcdConfigJson.Default.EtcdRelease);
        write.Success.Add(Put(_keys.Release(revision), record));
        write.Success.Add(Put(_keys.NamespaceRelease(ns, revision), record));
        if (release.Kind.IsGrayState())
        {
            write.Success.Add(Put(_keys.GrayRelease(ns, revision), record));
        }

        var result = await _client.TransactionAsync(write, cancellationToken: cancellationToken);
        return result.Succeeded
            ? new ConfigRelease(revision, ns, release.Kind, release.Author, release.Message, DateTimeOffset.FromUnixTimeMilliseconds(time), written, release.Target)
            : null;
    }

    /// <inheritdoc />
    public ValueTask<ConfigSnapshot> ReadAsync(string ns, string? prefix = null, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            var (from, to) = _keys.Entries(ns, prefix);
            var read = new TxnRequest();
            read.Success.Add(Get(_keys.Counter));
            read.Success.Add(new RequestOp { RequestRange = new RangeRequest { Key = from, RangeEnd = to } });
            var result = await _client.TransactionAsync(read, cancellationToken: cancellationToken);
            var entries = new List<ConfigEntry>();
            foreach (var kv in result.Responses[1].ResponseRange.Kvs)
            {
                var entry = Read(kv.Value, EtcdConfigJson.Default.EtcdEntry);
                if (entry.Value is not null)
                {
                    entries.Add(ToEntry(ns, _keys.Split(kv.Key).Key, entry));
                }
            }

            return new ConfigSnapshot(ns, CounterOf(result.Responses[0].ResponseRange), entries);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<ConfigEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            var kv = (await _client.GetAsync(new RangeRequest { Key = _keys.Entry(ns, key) }, cancellationToken: cancellationToken)).Kvs.FirstOrDefault();
            return kv is not null && Read(kv.Value, EtcdConfigJson.Default.EtcdEntry) is { Value: not null } entry ? ToEntry(ns, key, entry) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> VersionOfAsync(string ns, string key, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            var kv = (await _client.GetAsync(new RangeRequest { Key = _keys.Entry(ns, key) }, cancellationToken: cancellationToken)).Kvs.FirstOrDefault();
            return kv is null ? 0 : Read(kv.Value, EtcdConfigJson.Default.EtcdEntry).Version;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> RevisionAsync(CancellationToken cancellationToken = default) =>
        RunAsync(async () => CounterOf(await _client.GetAsync(new RangeRequest { Key = _keys.Counter }, cancellationToken: cancellationToken)), cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<long> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var call = _watch.Watch(cancellationToken: cancellationToken);
        var started = false;
        while (true)
        {
            long? next;
            try
            {
                if (!started)
                {
                    await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = _keys.Counter } }, cancellationToken);
                    started = true;
                }

                next = await call.ResponseStream.MoveNext(cancellationToken) ? NoticeOf(call.ResponseStream.Current) : null;
            }
            catch (Exception e) when (EtcdErrors.IsOutage(e, cancellationToken))
            {
                throw EtcdErrors.Unavailable(e);
            }

            if (next is null)
            {
                yield break;
            }

            if (next >= 0)
            {
                yield return next.Value;
            }
        }
    }

    // 0 once the watch is created, the counter's value for each put, -1 for anything else.
    private static long NoticeOf(WatchResponse response)
    {
        if (response.Created)
        {
            return 0;
        }

        var put = response.Events.LastOrDefault(e => e.Type == Mvccpb.Event.Types.EventType.Put);
        return put is null ? -1 : long.Parse(put.Kv.Value.ToStringUtf8(), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    private static long CounterOf(RangeResponse range) =>
        range.Kvs.FirstOrDefault() is { } kv ? long.Parse(kv.Value.ToStringUtf8(), NumberStyles.None, CultureInfo.InvariantCulture) : 0;

    private static ConfigEntry ToEntry(string ns, string key, EtcdEntry entry) =>
        new(ns, key, entry.Type, entry.Value!, entry.Version, entry.Revision, entry.Author, DateTimeOffset.FromUnixTimeMilliseconds(entry.Updated));

    private static RequestOp Get(ByteString key) => new() { RequestRange = new RangeRequest { Key = key } };

    private static RequestOp Put(ByteString key, ByteString value) => new() { RequestPut = new PutRequest { Key = key, Value = value } };

    private static ByteString Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(value, type));

    private static T Read<T>(ByteString bytes, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(bytes.Span, type) ?? throw new InvalidDataException("an empty configuration record in etcd");

    private static async ValueTask<T> RunAsync<T>(Func<Task<T>> step, CancellationToken cancellationToken)
    {
        try
        {
            return await step();
        }
        catch (Exception e) when (EtcdErrors.IsOutage(e, cancellationToken))
        {
            throw EtcdErrors.Unavailable(e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _client.Dispose();
        _channel.Dispose();
    }
}
