namespace DistKit.Ids.Workers;

/// <summary>
/// Hands a process a worker (node) id that no other live process holds for the same layout, and
/// keeps it while the lease lives. Pass the lease's <see cref="WorkerIdLease.Lost"/> as the
/// generator's fence so the generator stops the moment the id stops being its own.
/// </summary>
public interface IWorkerIdSource
{
    /// <summary>Acquires a worker id from 0 to <paramref name="maxId"/>.</summary>
    /// <exception cref="WorkerIdUnavailableException">No id can be had (all taken, or the configured one is held elsewhere).</exception>
    ValueTask<WorkerIdLease> AcquireAsync(long maxId, CancellationToken cancellationToken = default);
}
