namespace DistKit.Core.Leases;

/// <summary>
/// The lease primitive of one engine: a name held by one owner for a bounded time, kept alive
/// while the owner lives, lost when it stops answering, with a fencing number that grows each time
/// the name changes hands. Worker ids, locks, shard ownership and registrations are built on it.
/// </summary>
public interface ILeaseStore
{
    /// <summary>The engine's name (<c>redis</c>, <c>etcd</c>, <c>postgres</c>).</summary>
    string Engine { get; }

    /// <summary>Takes <paramref name="name"/> if nobody holds it; null if someone does.</summary>
    /// <remarks>The lease renews itself until disposed; watch <see cref="Lease.Lost"/>.</remarks>
    ValueTask<Lease?> TryAcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default);
}
