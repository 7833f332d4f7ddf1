namespace DistKit.Scheduling.Jobs;

/// <summary>
/// Delivers jobs of one target kind (HTTP callbacks ship here; NATS in DistKit.Nats). Delivery is
/// at least once: the firing service may call it again for the same job with a higher
/// <see cref="Job.Attempt"/>.
/// </summary>
public interface IJobDelivery
{
    /// <summary>The target kind this delivers.</summary>
    JobTargetKind Kind { get; }

    /// <summary>
    /// Delivers <paramref name="job"/> within its <see cref="Job.Timeout"/>; returns null on success or
    /// why it failed. <paramref name="cancellationToken"/> fires when the process stops.
    /// </summary>
    ValueTask<string?> DeliverAsync(Job job, CancellationToken cancellationToken);
}

/// <summary>An in-process job handler: throw (or be cancelled by the job's timeout) to fail the attempt.</summary>
public delegate Task JobHandler(Job job, CancellationToken cancellationToken);
