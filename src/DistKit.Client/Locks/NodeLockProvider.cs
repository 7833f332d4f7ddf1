using DistKit.Core.Leases;
using DistKit.Locks;

namespace DistKit.Client.Locks;

/// <summary>
/// Locks held by a DistKit node on this process's behalf (<c>/v1/locks</c>): the node holds them on
/// its engine, and this process keeps its hold alive with DistKit's lease, renewing every
/// <see cref="LeaseOptions.RenewPeriod"/>. The handle's <see cref="LockHandle.Lost"/> fires when the
/// node says the hold is gone, or when no renewal got through before the TTL ran out (node down,
/// partition), before the node can give the lock to anyone else.
/// </summary>
public sealed class NodeLockProvider(NodeClient client, LeaseOptions? lease = null) : IDistributedLockProvider
{
    private readonly LeaseOptions _lease = (lease ?? LeaseOptions.Default).Validate();

    /// <inheritdoc />
    public string Backend => NodeClient.Engine;

    /// <inheritdoc />
    public IDistributedLock CreateLock(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new NamedLock(name, TryAcquireAsync);
    }

    private async ValueTask<LockHandle?> TryAcquireAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
    {
        var started = _lease.TimeProvider.GetTimestamp();
        Internal.LockGrant grant;
        try
        {
            grant = await client.AcquireLockAsync(name, _lease.Ttl, wait, cancellationToken);
        }
        catch (NodeApiException e) when (e.Status == 409)
        {
            return null;
        }

        var held = NodeLease.Start(client, name, grant, _lease, started);
        return new LockHandle(name, held.FencingToken, () => held.DisposeAsync(), () => held.LossReason, held.Lost);
    }
}
