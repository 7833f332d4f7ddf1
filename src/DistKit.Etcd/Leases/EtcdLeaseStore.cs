using System.Security.Cryptography;
using DistKit.Core.Leases;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;

namespace DistKit.Etcd.Leases;

/// <summary>
/// Leases on etcd: an etcd lease with the TTL, and a key bound to it, created only if absent (a
/// transaction on create revision 0). The key's create revision — etcd's global, ever-growing
/// revision — is the fencing number. Renewal is one keep-alive per period; a keep-alive that
/// answers TTL 0 means the lease was revoked or expired.
/// </summary>
public sealed class EtcdLeaseStore : ILeaseStore, IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly string _prefix;

    /// <summary>Connects to <paramref name="url"/> (<c>http://host:2379</c>).</summary>
    /// <param name="url">The etcd client URL.</param>
    /// <param name="keyPrefix">Prefix of every key this store writes. Default: <c>distkit/lease/</c>.</param>
    public EtcdLeaseStore(string url, string keyPrefix = "distkit/lease/")
    {
        _channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { ThrowOperationCanceledOnCancellation = true });
        Client = new EtcdClient(_channel.CreateCallInvoker());
        LeaseClient = new Etcdserverpb.Lease.LeaseClient(_channel);
        WatchClient = new Watch.WatchClient(_channel);
        _prefix = keyPrefix;
    }

    /// <inheritdoc />
    public string Engine => "etcd";

    internal EtcdClient Client { get; }

    internal Etcdserverpb.Lease.LeaseClient LeaseClient { get; }

    internal Watch.WatchClient WatchClient { get; }

    /// <summary>The key that holds <paramref name="name"/>.</summary>
    public string KeyOf(string name) => _prefix + name;

    /// <inheritdoc />
    public async ValueTask<Core.Leases.Lease?> TryAcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var key = ByteString.CopyFromUtf8(KeyOf(name));
        var started = options.TimeProvider.GetTimestamp();
        var granted = await Client.LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)Math.Ceiling(options.EngineTtl.TotalSeconds) }, cancellationToken: cancellationToken);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = ByteString.CopyFromUtf8(token), Lease = granted.ID } });
        var result = await Client.TransactionAsync(txn, cancellationToken: cancellationToken);
        if (!result.Succeeded)
        {
            try
            {
                await Client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = granted.ID }, cancellationToken: CancellationToken.None);
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException)
            {
                // Unused and unattached: it expires on its own.
            }

            return null;
        }

        return EtcdLease.Start(this, name, KeyOf(name), token, result.Header.Revision, granted.ID, options, started);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Client.Dispose();
        _channel.Dispose();
    }
}
