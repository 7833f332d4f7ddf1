using System.Data.Common;

namespace DistKit.Scheduling.Jobs;

/// <summary>
/// How the SQL job stores lay a job out in columns, so every store reads and writes the same
/// shape: times as Unix milliseconds, state, target kind and misfire policy as their enum numbers.
/// </summary>
public static class JobColumns
{
    /// <summary>The columns <see cref="Read"/> expects, in order.</summary>
    public const string List = "id, shard, state, due, cron, target_kind, target, data, key, idempotency_key, attempt, attempts, retry_initial_ms, retry_max_ms, timeout_ms, misfire, created, updated, last_error";

    /// <summary>The values to write for <see cref="List"/>, in order.</summary>
    public static object?[] Values(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return
        [
            job.Id, job.Shard, (int)job.State, job.Due.ToUnixTimeMilliseconds(), job.Cron, (int)job.Target.Kind, job.Target.Address,
            job.Data, job.Key, job.IdempotencyKey, job.Attempt, job.Retry.Attempts, (long)job.Retry.InitialDelay.TotalMilliseconds,
            (long)job.Retry.MaxDelay.TotalMilliseconds, (long)job.Timeout.TotalMilliseconds, (int)job.Misfire,
            job.Created.ToUnixTimeMilliseconds(), job.Updated.ToUnixTimeMilliseconds(), job.LastError,
        ];
    }

    /// <summary>Reads the job in the current row, whose first columns are <see cref="List"/>.</summary>
    public static Job Read(DbDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return new Job
        {
            Id = reader.GetString(0),
            Shard = (int)Number(reader, 1),
            State = (JobState)Number(reader, 2),
            Due = Time(reader, 3),
            Cron = Text(reader, 4),
            Target = JobTarget.From((JobTargetKind)Number(reader, 5), reader.GetString(6)),
            Data = Text(reader, 7),
            Key = Text(reader, 8),
            IdempotencyKey = Text(reader, 9),
            Attempt = (int)Number(reader, 10),
            Retry = new RetryPolicy
            {
                Attempts = (int)Number(reader, 11),
                InitialDelay = TimeSpan.FromMilliseconds(Number(reader, 12)),
                MaxDelay = TimeSpan.FromMilliseconds(Number(reader, 13)),
            },
            Timeout = TimeSpan.FromMilliseconds(Number(reader, 14)),
            Misfire = (MisfirePolicy)Number(reader, 15),
            Created = Time(reader, 16),
            Updated = Time(reader, 17),
            LastError = Text(reader, 18),
        };
    }

    /// <summary>A Unix-milliseconds column as a time.</summary>
    public static DateTimeOffset Time(DbDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(Number(reader, ordinal));

    private static long Number(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>The state a completion leaves a job in.</summary>
    public static JobState StateAfter(CompletionOutcome outcome) => outcome switch
    {
        CompletionOutcome.Succeeded => JobState.Succeeded,
        CompletionOutcome.Retry => JobState.Failed,
        CompletionOutcome.Dead => JobState.Dead,
        _ => JobState.Scheduled,
    };
}
