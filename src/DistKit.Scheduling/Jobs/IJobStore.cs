namespace DistKit.Scheduling.Jobs;

/// <summary>A job the store says is due before the window's end, in a shard this node owns.</summary>
/// <param name="Id">The job.</param>
/// <param name="Shard">Its shard.</param>
/// <param name="Due">When it fires: its due time, or now for a delivery a dead or fenced-off owner left running.</param>
/// <param name="Version">When the job last changed (Unix ms): of two reports of one job, the later version wins.</param>
public readonly record struct DueJob(string Id, int Shard, DateTimeOffset Due, long Version);

/// <summary>A request to claim one job for delivery under its shard's fencing token.</summary>
public readonly record struct JobClaim(string Id, int Shard, long Fence);

/// <summary>How a delivery ended, as the firing node reports it to the store.</summary>
public enum CompletionOutcome
{
    /// <summary>Delivered; the job is done.</summary>
    Succeeded,

    /// <summary>Failed; try again at <see cref="JobCompletion.NextDue"/>.</summary>
    Retry,

    /// <summary>Failed for the last time.</summary>
    Dead,

    /// <summary>A cron job's occurrence is done (delivered, or out of attempts): schedule the next at <see cref="JobCompletion.NextDue"/>, attempts reset.</summary>
    Next,
}

/// <summary>The end of one delivery: which claim it was and what comes next.</summary>
public sealed record JobCompletion
{
    /// <summary>The job.</summary>
    public required string Id { get; init; }

    /// <summary>The job's shard.</summary>
    public required int Shard { get; init; }

    /// <summary>The fencing token the job was claimed with; the completion lands only if the shard still has it.</summary>
    public required long Fence { get; init; }

    /// <summary>The attempt number the claim gave; the completion lands only if no later claim replaced it.</summary>
    public required int Attempt { get; init; }

    /// <summary>What happens next.</summary>
    public required CompletionOutcome Outcome { get; init; }

    /// <summary>The next due time, for <see cref="CompletionOutcome.Retry"/> and <see cref="CompletionOutcome.Next"/>.</summary>
    public DateTimeOffset? NextDue { get; init; }

    /// <summary>Why the attempt failed.</summary>
    public string? Error { get; init; }

    /// <summary>The firing node's clock when the delivery ended.</summary>
    public required DateTimeOffset Now { get; init; }
}

/// <summary>
/// Where jobs live, implemented once per engine (SQLite, PostgreSQL, Redis) and checked by one
/// contract suite. Every call is one atomic step in the engine; the firing rules (who may claim,
/// which completion counts) are enforced here, by the engine, not by the nodes' good behaviour.
/// </summary>
/// <remarks>An engine that does not answer throws <see cref="Core.EngineUnavailableException"/>.</remarks>
public interface IJobStore
{
    /// <summary>The engine's name (<c>embedded</c>, <c>postgres</c>, <c>redis</c>).</summary>
    string Engine { get; }

    /// <summary>
    /// Stores <paramref name="job"/> (state scheduled, attempt 0): returns the existing job when one has
    /// its idempotency key; replaces the unfinished job with its business key, keeping that job's id
    /// and shard; creates it otherwise. With <paramref name="notify"/>, tells the nodes that
    /// <see cref="WatchAsync"/> (the job is due within their window).
    /// </summary>
    ValueTask<ScheduledJob> ScheduleAsync(Job job, bool notify, CancellationToken cancellationToken = default);

    /// <summary>The job with <paramref name="id"/>, or null.</summary>
    ValueTask<Job?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Cancels the job unless it is final; returns it as it now is, or null when there is none.</summary>
    ValueTask<Job?> CancelAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Cancels the unfinished job with business key <paramref name="key"/>; returns it, or null when there is none.</summary>
    ValueTask<Job?> CancelByKeyAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> jobs, in <paramref name="state"/> when given, soonest due first.</summary>
    ValueTask<IReadOnlyList<Job>> ListAsync(JobState? state, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records that node <paramref name="node"/> is alive for <paramref name="ttl"/>; returns how many nodes are alive, itself included.</summary>
    ValueTask<int> HeartbeatAsync(string node, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Forgets node <paramref name="node"/>, which is stopping: the others count it out at once.</summary>
    ValueTask LeaveAsync(string node, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that <paramref name="shard"/> is now owned under <paramref name="fence"/>: claims and
    /// completions under any lower fence fail from here on. Returns the fence in force, which is
    /// higher than <paramref name="fence"/> only if the lease store handed out a fence it had already
    /// used (it was reset): the shard cannot be fired under it.
    /// </summary>
    ValueTask<long> OpenShardAsync(int shard, long fence, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="ids"/> are still waiting (scheduled, or failed and waiting to retry), with their due times now.</summary>
    ValueTask<IReadOnlyList<DueJob>> WaitingAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default);

    /// <summary>
    /// The jobs of <paramref name="shards"/> due before <paramref name="until"/> (scheduled, or failed
    /// and waiting to retry), and the deliveries an earlier owner left running (claimed under a lower
    /// fence, or past their time), due at once; soonest first, at most <paramref name="limit"/>.
    /// </summary>
    ValueTask<IReadOnlyList<DueJob>> LoadDueAsync(IReadOnlyCollection<int> shards, DateTimeOffset until, DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims each job that is due by <paramref name="now"/> and still waiting (or left running by an
    /// earlier owner), if its shard's fence is still the claim's: the job becomes running with its
    /// attempt number raised. Returns the claimed jobs; a job not returned must not be delivered.
    /// </summary>
    ValueTask<IReadOnlyList<Job>> ClaimAsync(IReadOnlyList<JobClaim> claims, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends deliveries, in one step: for each completion, in order, whether it landed; one that did
    /// not changed nothing (its claim is no longer current: the shard moved, the job was replaced or
    /// cancelled).
    /// </summary>
    ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken = default);

    /// <summary>Jobs scheduled with notify on any node, as they are stored; ends (throws) when the engine connection drops, and the caller reloads its window.</summary>
    IAsyncEnumerable<DueJob> WatchAsync(CancellationToken cancellationToken = default);
}
