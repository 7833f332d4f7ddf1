using System.Security.Cryptography;
using DistKit.Core.Leases;
using DistKit.Etcd.Internal;
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
    // Long enough for a live etcd under load, short enough that an unreachable one cannot hang a caller.
    private static readonly TimeSpan RevokeBound = TimeSpan.FromSeconds(5);

    private readonly GrpcChannel _channel;
    private readonly string _prefix;

    /// <summary>Connects to <paramref name="url"/> (<c>http://host:2379</c>).</summary>
    /// <param name="url">The etcd client URL.</param>
    /// <param name="keyPrefix">Prefix of every key this store writes. Default: <c>distkit/lease/</c>.</param>
    public EtcdLeaseStore(string url, string keyPrefix = "distkit/lease/")
    {
        _channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            ThrowOperationCanceledOnCancellation = true,

            // Reconnect within about a second of etcd returning, however long it was away.
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(200),
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),

            // Pings on open streams (lock waits, registry watches): a half-open connection is
            // found within 15 s instead of a watch waiting on it forever.
            HttpHandler = new SocketsHttpHandler
            {
                KeepAlivePingDelay = TimeSpan.FromSeconds(10),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                EnableMultipleHttp2Connections = true,
            },
        });
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
        using var activity = Diagnostics.EtcdDiagnostics.Start("lease acquire", name);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var started = options.TimeProvider.GetTimestamp();
        var put = await PutOnNewLeaseAsync(KeyOf(name), token, options, cancellationToken);
        return put.Created
            ? EtcdLease.Start(this, name, KeyOf(name), token, put.Revision, put.LeaseId, options, started)
            : null;
    }

    /// <summary>
    /// Grants an etcd lease and creates <paramref name="key"/> on it if the key is absent. When the
    /// key exists already, or the call fails or is cancelled at any point after the grant, the lease
    /// is revoked before this returns or throws, which deletes the key with it if the put did land:
    /// an abandoned call never leaves a key that blocks the name until its TTL.
    /// </summary>
    /// <exception cref="Core.EngineUnavailableException">etcd did not answer.</exception>
    internal async Task<(bool Created, long LeaseId, long Revision)> PutOnNewLeaseAsync(string key, string token, LeaseOptions options, CancellationToken cancellationToken)
    {
        long? leaseId = null;
        try
        {
            // A grant cancelled after the server made it leaves a lease with no key: it holds no
            // name and expires on its own.
            var granted = await Client.LeaseGrantAsync(new LeaseGrantRequest { TTL = (long)Math.Ceiling(options.EngineTtl.TotalSeconds) }, cancellationToken: cancellationToken);
            leaseId = granted.ID;
            var keyBytes = ByteString.CopyFromUtf8(key);
            var txn = new TxnRequest();
            txn.Compare.Add(new Compare { Key = keyBytes, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = keyBytes, Value = ByteString.CopyFromUtf8(token), Lease = granted.ID } });
            var result = await Client.TransactionAsync(txn, cancellationToken: cancellationToken);
            if (!result.Succeeded)
            {
                await RevokeQuietlyAsync(granted.ID, options.TimeProvider);
                return (false, 0, 0);
            }

            return (true, granted.ID, result.Header.Revision);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (leaseId is { } id)
            {
                await RevokeQuietlyAsync(id, options.TimeProvider);
            }

            if (EtcdErrors.IsOutage(e, cancellationToken))
            {
                throw EtcdErrors.Unavailable(e);
            }

            throw;
        }
    }

    /// <summary>Revokes <paramref name="leaseId"/> whatever the caller's token says, bounded so an unreachable etcd cannot hang the caller.</summary>
    internal async Task RevokeQuietlyAsync(long leaseId, TimeProvider time)
    {
        using var bound = new CancellationTokenSource(RevokeBound, time);
        try
        {
            await Client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, cancellationToken: bound.Token);
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException or HttpRequestException or IOException)
        {
            // etcd is unreachable: the lease, and any key on it, expires after its TTL.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Client.Dispose();
        _channel.Dispose();
    }
}
