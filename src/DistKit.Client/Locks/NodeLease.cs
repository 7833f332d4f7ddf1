using DistKit.Client.Internal;
using DistKit.Core.Leases;

namespace DistKit.Client.Locks;

/// <summary>A hold on a node's lock, renewed through <c>:renew</c> by the shared lease loop.</summary>
internal sealed class NodeLease : Lease
{
    // The node refuses a TTL above an hour.
    private static readonly TimeSpan MaxNodeTtl = TimeSpan.FromHours(1);

    private readonly NodeClient _client;
    private readonly TimeSpan _nodeTtl;

    private NodeLease(NodeClient client, string name, LockGrant grant, LeaseOptions options, long started)
        : base(name, grant.Token, grant.FencingToken, options, started)
    {
        _client = client;

        _nodeTtl = NodeTtl(options);
    }

    /// <summary>
    /// The TTL asked of the node: this side's, plus the drift. The node counts from when it got the
    /// request, this process from before it sent it, so this side gives up first; the drift covers
    /// clocks that run at slightly different rates.
    /// </summary>
    public static TimeSpan NodeTtl(LeaseOptions options) => options.EngineTtl < MaxNodeTtl ? options.EngineTtl : MaxNodeTtl;

    public static NodeLease Start(NodeClient client, string name, LockGrant grant, LeaseOptions options, long started)
    {
        var lease = new NodeLease(client, name, grant, options, started);
        lease.Start();
        return lease;
    }

    protected override string Engine => NodeClient.Engine;

    protected override async ValueTask<bool> RenewCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.RenewLockAsync(Name, OwnerToken, _nodeTtl, cancellationToken);
            return true;
        }
        catch (NodeApiException e) when (e.Status == 409)
        {
            return false;
        }
    }

    protected override async ValueTask ReleaseCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.ReleaseLockAsync(Name, OwnerToken, cancellationToken);
        }
        catch (NodeApiException e) when (e.Status == 409)
        {
            // Expired on the node already: nothing to give back.
        }
    }
}
