using System.Security.Cryptography;
using DistKit.Core.Leases;
using DistKit.Etcd.Internal;
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
        using var activity = Diagnostics.EtcdDiagnostics.Start("lock acquire", name);
        var time = _options.TimeProvider;
        var started = time.GetTimestamp();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var prefix = PrefixOf(name);

        // The key is named after a random token rather than the lease id, which is known only
        // after the grant: the put then needs no second round trip to learn its own key.
        var key = prefix + token[..16];
        var put = await store.PutOnNewLeaseAsync(key, token, _options, cancellationToken);
        if (!put.Created)
        {
            // Our own fresh key cannot exist already unless the random name collided: retry-worthy, never silent.
            throw new InvalidOperationException($"etcd key '{key}' already exists; a contender key collided");
        }

        var myRevision = put.Revision;

        // Renewed from now on, so a long wait in the queue cannot let the key expire.
        var lease = EtcdLease.Start(store, name, key, token, myRevision, put.LeaseId, _options, started);
        var deadline = wait != Timeout.InfiniteTimeSpan ? started + (long)(wait.TotalSeconds * time.TimestampFrequency) : long.MaxValue;
        try
        {
            while (true)
            {
                var ahead = await KeyAheadAsync(prefix, myRevision, cancellationToken);
                if (ahead is null)
                {
                    return new LockHandle(name, myRevision, () => lease.DisposeAsync(), () => lease.LossReason, lease.Lost);
                }

                // Read once: a second reading could land past the deadline and make the rest negative.
                var left = deadline == long.MaxValue ? Timeout.InfiniteTimeSpan : time.GetElapsedTime(time.GetTimestamp(), deadline);
                if (wait == TimeSpan.Zero || (deadline != long.MaxValue && left <= TimeSpan.Zero))
                {
                    await lease.DisposeAsync();
                    return null;
                }

                using var timeout = deadline != long.MaxValue ? new CancellationTokenSource(left, time) : null;
                using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost, timeout?.Token ?? CancellationToken.None);
                try
                {
                    await WaitForDeleteAsync(ahead.Value.Key, ahead.Value.Revision, limit.Token);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is OperationCanceledException || limit.IsCancellationRequested))
                {
                    // Timed out or our own lease was lost while queued: give up our place.
                    await lease.DisposeAsync();
                    return null;
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await lease.DisposeAsync();
            if (EtcdErrors.IsOutage(e, cancellationToken))
            {
                throw EtcdErrors.Unavailable(e);
            }

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
