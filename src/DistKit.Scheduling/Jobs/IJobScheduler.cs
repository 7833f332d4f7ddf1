namespace DistKit.Scheduling.Jobs;

/// <summary>
/// Schedules, reads and cancels durable jobs. Any process can schedule; the processes that run the
/// firing service (<c>AddJobs()</c> with firing on, the node) deliver them.
/// </summary>
public interface IJobScheduler
{
    /// <summary>Stores a job and returns it with what the call did (created, replaced by business key, existing by idempotency key).</summary>
    /// <exception cref="ArgumentException">The request is malformed (no time or two, a past cron, a bad URL, a timeout out of range); the message says which.</exception>
    ValueTask<ScheduledJob> ScheduleAsync(JobRequest request, CancellationToken cancellationToken = default);

    /// <summary>The job with <paramref name="id"/>, or null.</summary>
    ValueTask<Job?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Cancels the job unless it is finished; returns it as it now is, or null when there is none.</summary>
    ValueTask<Job?> CancelAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Cancels the unfinished job with business key <paramref name="key"/>; null when there is none.</summary>
    ValueTask<Job?> CancelByKeyAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> (1 to 1,000) jobs, in <paramref name="state"/> when given, soonest due first.</summary>
    ValueTask<IReadOnlyList<Job>> ListAsync(JobState? state = null, int limit = 100, CancellationToken cancellationToken = default);
}
