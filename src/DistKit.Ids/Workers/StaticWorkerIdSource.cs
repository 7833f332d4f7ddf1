namespace DistKit.Ids.Workers;

/// <summary>
/// A worker id from configuration. Uniqueness is the operator's job: two processes given the same
/// id issue duplicate ids. Right for fixed fleets with a deployment tool that numbers them.
/// </summary>
/// <param name="workerId">The id to hand out.</param>
public sealed class StaticWorkerIdSource(long workerId) : IWorkerIdSource
{
    /// <inheritdoc />
    public ValueTask<WorkerIdLease> AcquireAsync(long maxId, CancellationToken cancellationToken = default)
    {
        if (workerId < 0 || workerId > maxId)
        {
            throw new WorkerIdUnavailableException($"the configured worker id {workerId} is outside this layout's range 0 to {maxId}", isTransient: false);
        }

        return ValueTask.FromResult(new WorkerIdLease(workerId, release: null));
    }
}
