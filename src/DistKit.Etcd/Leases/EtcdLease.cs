using DistKit.Core.Leases;
using Etcdserverpb;
using Grpc.Core;

namespace DistKit.Etcd.Leases;

/// <summary>A key bound to an etcd lease held by this owner.</summary>
internal sealed class EtcdLease : Core.Leases.Lease
{
    private readonly EtcdLeaseStore _store;
    private readonly long _leaseId;
    private readonly string _key;

    private EtcdLease(EtcdLeaseStore store, string name, string key, string token, long fence, long leaseId, LeaseOptions options, long started)
        : base(name, token, fence, options, started)
    {
        _store = store;
        _leaseId = leaseId;
        _key = key;
    }

    /// <summary>The etcd lease id the key is bound to.</summary>
    public long LeaseId => _leaseId;

    /// <summary>Starts renewing the etcd lease <paramref name="leaseId"/> that holds <paramref name="key"/> for this owner.</summary>
    public static EtcdLease Start(EtcdLeaseStore store, string name, string key, string token, long fence, long leaseId, LeaseOptions options, long started)
    {
        var lease = new EtcdLease(store, name, key, token, fence, leaseId, options, started);
        lease.Start();
        return lease;
    }

    // One keep-alive on its own stream: the answer's TTL is 0 when the lease is gone.
    protected override string Engine => "etcd";

    protected override async ValueTask<bool> RenewCoreAsync(CancellationToken cancellationToken)
    {
        using var call = _store.LeaseClient.LeaseKeepAlive(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = _leaseId }, cancellationToken);
        await call.RequestStream.CompleteAsync();
        if (!await call.ResponseStream.MoveNext(cancellationToken))
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "keep-alive stream closed without an answer"));
        }

        if (call.ResponseStream.Current.TTL <= 0)
        {
            return false;
        }

        // The etcd lease lives, but the key may have been deleted and taken by someone else.
        var key = await _store.Client.GetAsync(_key, cancellationToken: cancellationToken);
        return key.Kvs.Count == 1 && key.Kvs[0].Value.ToStringUtf8() == OwnerToken && key.Kvs[0].Lease == _leaseId;
    }

    protected override async ValueTask ReleaseCoreAsync(CancellationToken cancellationToken) =>
        await _store.Client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = _leaseId }, cancellationToken: cancellationToken);
}
