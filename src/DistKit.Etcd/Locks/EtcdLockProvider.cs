using System.Globalization;
using System.Security.Cryptography;
using DistKit.Core.Leases;
using DistKit.Etcd.Leases;
using DistKit.Locks;
using Etcdserverpb;
using Google.Protobuf;

namespace DistKit.Etcd.Locks;

/// <summary>
/// Fair blocking locks on etcd, the recipe of etcd's own concurrency mutex: each contender puts one
/// key under the lock's prefix, bound to its own etcd lease; the key with the lowest create revision
/// holds the lock; every other contender watches only the key just ahead of it (no thundering herd)
/// and checks again when that key goes. The holder's create revision is the fencing token.
/// </summary>
/// <param name="store">The connection (its channel is shared, not owned).</param>
/// <param name="options">Lease TTL and renewal. Default: <see cref="LeaseOptions.Default"/>.</param>
/// <param name="keyPrefix">Prefix of the locks' keys. Default: <c>distkit/lock/</c>.</param>
public sealed class EtcdLockProvider(EtcdLeaseStore store, LeaseOptions? options = null, string keyPrefix = "distkit/lock/") : IDistributedLockProvider
{
    private readonly LeaseOptions _options = (options ?? LeaseOptions.Default).Validate();

    /// <inheritdoc />
    public string Backend => "etcd";

    /// <summary>The key prefix under which contenders for <paramref name="name"/> queue.</summary>
    public string PrefixOf(string name) => $"{keyPrefix}{name}/";

    /// <inheritdoc />
    public IDistributedLock CreateLock(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new NamedLock(name, EnterAsync);
    }

    private async ValueTask<LockHandle?> EnterAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        var granted = await store.Client.LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)Math.Ceiling(_options.EngineTtl.TotalSeconds) }, cancellationToken: cancellationToken);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var prefix = PrefixOf(name);
        var key = prefix + granted.ID.ToString("x16", CultureInfo.InvariantCulture);
        var put = new TxnRequest();
        put.Compare.Add(new Compare { Key = ByteString.CopyFromUtf8(key), Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        put.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(token), Lease = granted.ID } });
        var created = await store.Client.TransactionAsync(put, cancellationToken: cancellationToken);
        var myRevision = created.Header.Revision;

        // Renewed from now on, so a long wait in the queue cannot let the key expire.
        var lease = EtcdLease.Start(store, name, key, token, myRevision, granted.ID, _options, started);
        var deadline = wait != Timeout.InfiniteTimeSpan ? started + (long)(wait.TotalSeconds * time.TimestampFrequency) : long.MaxValue;
        try
        {
            while (true)
            {
                var ahead = await KeyAheadAsync(prefix, myRevision, cancellationToken);
                if (ahead is null)
                {
                    return new LockHandle(name, myRevision, () => lease.DisposeAsync(), lease.Lost);
                }

                if (wait == TimeSpan.Zero || time.GetTimestamp() >= deadline)
                {
                    await lease.DisposeAsync();
                    return null;
                }

                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
                if (deadline != long.MaxValue)
                {
                    limit.CancelAfter(time.GetElapsedTime(time.GetTimestamp(), deadline));
                }

                try
                {
                    await WaitForDeleteAsync(ahead.Value.Key, ahead.Value.Revision, limit.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Timed out or our own lease was lost while queued: give up our place.
                    await lease.DisposeAsync();
                    return null;
                }
            }
        }
        catch
        {
            await lease.DisposeAsync();
            throw;
        }
    }

    // The contender just ahead: the highest create revision below ours under the prefix.
    private async Task<(string Key, long Revision)?> KeyAheadAsync(string prefix, long myRevision, CancellationToken cancellationToken)
    {
        var range = new RangeRequest
        {
            Key = ByteString.CopyFromUtf8(prefix),
            RangeEnd = ByteString.CopyFromUtf8(prefix[..^1] + (char)(prefix[^1] + 1)),
            MaxCreateRevision = myRevision - 1,
            SortTarget = RangeRequest.Types.SortTarget.Create,
            SortOrder = RangeRequest.Types.SortOrder.Descend,
            Limit = 1,
            KeysOnly = true,
        };
        var answer = await store.Client.GetAsync(range, cancellationToken: cancellationToken);
        return answer.Kvs.Count == 0 ? null : (answer.Kvs[0].Key.ToStringUtf8(), answer.Header.Revision);
    }

    private async Task WaitForDeleteAsync(string key, long seenAtRevision, CancellationToken cancellationToken)
    {
        using var call = store.WatchClient.Watch(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(
            new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8(key), StartRevision = seenAtRevision + 1 } },
            cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            var response = call.ResponseStream.Current;
            if (response.Canceled || response.Events.Any(e => e.Type == Mvccpb.Event.Types.EventType.Delete))
            {
                return;
            }
        }
    }
}
