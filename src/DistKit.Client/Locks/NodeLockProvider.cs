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
    // The node waits at most 10 min in one :acquire; longer (or endless) waits ask again.
    private static readonly TimeSpan MaxNodeWait = TimeSpan.FromMinutes(10);

    // Room for the answer to come back within the client's request timeout after the node's wait.
    private static readonly TimeSpan AnswerMargin = TimeSpan.FromSeconds(10);

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
        var time = _lease.TimeProvider;
        var forever = wait == Timeout.InfiniteTimeSpan;
        var deadline = time.GetTimestamp();
        var fits = client.RequestTimeout - AnswerMargin > client.RequestTimeout / 2 ? client.RequestTimeout - AnswerMargin : client.RequestTimeout / 2;
        var slice = fits < MaxNodeWait ? fits : MaxNodeWait;
        while (true)
        {
            var left = forever ? slice : wait - time.GetElapsedTime(deadline);
            var ask = left < TimeSpan.Zero ? TimeSpan.Zero : left < slice ? left : slice;
            var started = time.GetTimestamp();
            Internal.LockGrant grant;
            try
            {
                grant = await client.AcquireLockAsync(name, _lease.Ttl, ask, cancellationToken);
            }
            catch (NodeApiException e) when (e.Status == 409)
            {
                if (forever || time.GetElapsedTime(deadline) < wait)
                {
                    continue;
                }

                return null;
            }

            // The node starts the hold's TTL when it grants, after its wait; this side counts from
            // before the request. After a wait longer than a renewal period that would leave the
            // handle little or no validity, so it is renewed at once and counted from that renewal.
            if (time.GetElapsedTime(started) >= _lease.RenewPeriod)
            {
                started = time.GetTimestamp();
                try
                {
                    await client.RenewLockAsync(name, grant.Token, NodeLease.NodeTtl(_lease), cancellationToken);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    await ReleaseQuietlyAsync(name, grant.Token);
                    if (e is NodeApiException { Status: 409 })
                    {
                        return null;
                    }

                    throw;
                }
            }

            var held = NodeLease.Start(client, name, grant, _lease, started);
            return new LockHandle(name, held.FencingToken, () => held.DisposeAsync(), () => held.LossReason, held.Lost);
        }
    }

    private async Task ReleaseQuietlyAsync(string name, string token)
    {
        try
        {
            await client.ReleaseLockAsync(name, token, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The node lets the hold go after its TTL anyway.
        }
    }
}
