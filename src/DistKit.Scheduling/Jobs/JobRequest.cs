namespace DistKit.Scheduling.Jobs;

/// <summary>
/// A job to schedule: when (<see cref="At"/>, <see cref="In"/> or <see cref="Cron"/>, exactly one),
/// where it goes (<see cref="Target"/>), and what it carries.
/// </summary>
public sealed record JobRequest
{
    /// <summary>Where the job is delivered.</summary>
    public required JobTarget Target { get; init; }

    /// <summary>The due time, absolute.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>The due time, relative to when the request is scheduled.</summary>
    public TimeSpan? In { get; init; }

    /// <summary>A cron expression (five fields, or six with seconds first), evaluated in UTC: the job fires at each occurrence until cancelled.</summary>
    public string? Cron { get; init; }

    /// <summary>The payload: the body of an HTTP callback, exactly; the data a handler gets. At most 256 KiB.</summary>
    public string? Data { get; init; }

    /// <summary>
    /// A business key (<c>order:123:timeout</c>): scheduling again with the same key replaces the
    /// job that has it (new time, target and data) unless that one is finished; cancel by key.
    /// </summary>
    public string? Key { get; init; }

    /// <summary>Submitting again with the same idempotency key returns the job the first submission made, unchanged.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Retries after failed attempts. Default: the capability's (<c>Jobs:Attempts</c>, else <see cref="RetryPolicy.Default"/>).</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>How long one delivery may take before it counts as failed. 1 ms to 60 s. Default: the capability's (10 s).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>What a cron job does about missed occurrences. Default: <see cref="MisfirePolicy.FireOnce"/>.</summary>
    public MisfirePolicy Misfire { get; init; }

    /// <summary>A job due at <paramref name="due"/>.</summary>
    public static JobRequest AtTime(DateTimeOffset due, JobTarget target) => new() { At = due, Target = target };

    /// <summary>A job due <paramref name="delay"/> from now.</summary>
    public static JobRequest After(TimeSpan delay, JobTarget target) => new() { In = delay, Target = target };

    /// <summary>A job fired at each occurrence of <paramref name="cron"/>.</summary>
    public static JobRequest Every(string cron, JobTarget target) => new() { Cron = cron, Target = target };
}
