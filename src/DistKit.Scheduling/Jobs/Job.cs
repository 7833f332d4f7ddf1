namespace DistKit.Scheduling.Jobs;

/// <summary>A job as stored: what was asked for, and where it is in its life.</summary>
public sealed record Job
{
    /// <summary>The job's id: 32 hex digits, time-ordered (a version 7 UUID).</summary>
    public required string Id { get; init; }

    /// <summary>The shard the id hashes into; the shard's owner fires the job.</summary>
    public required int Shard { get; init; }

    /// <summary>Where the job is in its life.</summary>
    public required JobState State { get; init; }

    /// <summary>When it fires next (its retry time when <see cref="JobState.Failed"/>; the last due time once final).</summary>
    public required DateTimeOffset Due { get; init; }

    /// <summary>The cron expression of a recurring job; null for a one-shot.</summary>
    public string? Cron { get; init; }

    /// <summary>Where the job is delivered.</summary>
    public required JobTarget Target { get; init; }

    /// <summary>The payload, exactly as given.</summary>
    public string? Data { get; init; }

    /// <summary>The business key, if any.</summary>
    public string? Key { get; init; }

    /// <summary>The idempotency key, if any.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>How many deliveries have started (the current occurrence's, for cron); a redelivery carries a higher number.</summary>
    public int Attempt { get; init; }

    /// <summary>The retry policy.</summary>
    public required RetryPolicy Retry { get; init; }

    /// <summary>How long one delivery may take.</summary>
    public required TimeSpan Timeout { get; init; }

    /// <summary>What a cron job does about missed occurrences.</summary>
    public MisfirePolicy Misfire { get; init; }

    /// <summary>When the job was first scheduled.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>When the job last changed.</summary>
    public required DateTimeOffset Updated { get; init; }

    /// <summary>Why the last attempt failed, if it did.</summary>
    public string? LastError { get; init; }
}

/// <summary>What scheduling did.</summary>
public enum ScheduleOutcome
{
    /// <summary>A new job.</summary>
    Created,

    /// <summary>The job with the same business key was replaced (same id, new time, target and data).</summary>
    Replaced,

    /// <summary>A job with the same idempotency key already existed; it is returned unchanged.</summary>
    Existing,
}

/// <summary>The job a schedule call left in the store, and what the call did.</summary>
public sealed record ScheduledJob(Job Job, ScheduleOutcome Outcome);
