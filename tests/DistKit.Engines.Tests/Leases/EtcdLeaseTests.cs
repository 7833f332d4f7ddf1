using DistKit.Core.Leases;
using DistKit.Etcd.Leases;
using DistKit.Testing;
using dotnet_etcd;

namespace DistKit.Engines.Tests.Leases;

public sealed class EtcdLeaseTests(EtcdFixture etcd) : LeaseStoreContract
{
    protected override Task<(ILeaseStore Store, IAsyncDisposable Connection)> ConnectAsync()
    {
        var store = new EtcdLeaseStore(etcd.ConnectionString);
        return Task.FromResult<(ILeaseStore, IAsyncDisposable)>((store, new Disposer(store)));
    }

    protected override Task TakeAwayAsync(ILeaseStore store, Lease lease) => TakeAwayByNameAsync(store, lease.Name);

    // Revokes the etcd lease the key is bound to, as `etcdctl lease revoke` would.
    protected override async Task TakeAwayByNameAsync(ILeaseStore store, string name)
    {
        using var client = new EtcdClient(etcd.ConnectionString);
        var key = await client.GetAsync(((EtcdLeaseStore)store).KeyOf(name), cancellationToken: TestContext.Current.CancellationToken);
        var leaseId = Assert.Single(key.Kvs).Lease;
        await client.LeaseRevokeAsync(new Etcdserverpb.LeaseRevokeRequest { ID = leaseId }, cancellationToken: TestContext.Current.CancellationToken);
    }

    private sealed class Disposer(EtcdLeaseStore store) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            store.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
