using System.Globalization;
using System.Security.Cryptography;
using DistKit.Core.Leases;

namespace DistKit.Ids.Workers;

/// <summary>
/// Worker ids leased from an engine (Redis, etcd, PostgreSQL — any <see cref="ILeaseStore"/>): each
/// id is a lease named <c>ids/{scope}/worker/{id}</c>, so two live processes never hold the same
/// one, and a released or crashed process's id comes back only after the lease's TTL plus clock drift. Right for
/// autoscaled fleets. The lease's <see cref="WorkerIdLease.Lost"/> fires before the engine can
/// hand the id to anyone else; pass it to the generator as its fence.
/// </summary>
/// <param name="store">The engine's lease store.</param>
/// <param name="scope">Keeps id spaces apart: use the layout's <see cref="IdLayout.StorageName"/> (and a service name, if several services share an engine).</param>
/// <param name="options">Lease TTL, drift and renewal. Default: <see cref="LeaseOptions.Default"/>.</param>
public sealed class LeasedWorkerIdSource(ILeaseStore store, string scope, LeaseOptions? options = null) : IWorkerIdSource
{
    private readonly LeaseOptions _options = (options ?? LeaseOptions.Default).Validate();

    /// <summary>The lease name of worker id <paramref name="id"/>.</summary>
    public string LeaseName(long id) => $"ids/{scope}/worker/{id.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    /// <remarks>Tries ids from a random start, one engine round trip each, so a crowd of starting processes spreads out.</remarks>
    public async ValueTask<WorkerIdLease> AcquireAsync(long maxId, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxId);
        var count = maxId + 1;
        var start = RandomNumberGenerator.GetInt32(0, (int)Math.Min(count, int.MaxValue));
        for (long i = 0; i < count; i++)
        {
            var id = (start + i) % count;
            var lease = await store.TryAcquireAsync(LeaseName(id), _options, cancellationToken);
            if (lease is not null)
            {
                // Abandoned, not released: the id returns only after TTL + drift, so a next holder
                // whose clock runs behind this one cannot issue ids this process already issued.
                return new WorkerIdLease(id, () => lease.AbandonAsync(), () => lease.ValidUntil, () => lease.LossReason, lease.Lost);
            }
        }

        throw new WorkerIdUnavailableException($"all {count} worker ids of '{scope}' are held in {store.Engine}; wait for a holder to stop, or use a layout with more node bits", isTransient: true);
    }
}
