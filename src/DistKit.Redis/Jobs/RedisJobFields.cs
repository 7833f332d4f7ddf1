using System.Globalization;
using DistKit.Scheduling.Jobs;
using StackExchange.Redis;

namespace DistKit.Redis.Jobs;

/// <summary>A job's hash in Redis: the fields of <see cref="JobColumns.List"/>, in that order; a null is a missing field.</summary>
internal static class RedisJobFields
{
    public static readonly RedisValue[] Names = [.. JobColumns.List.Split(", ").Select(name => (RedisValue)name)];

    /// <summary>The job a script returned (its fields in order), or null for a nil reply.</summary>
    public static Job? TryRead(RedisResult result) => result.IsNull ? null : Read(result);

    /// <summary>The job of one <c>HMGET</c> of <see cref="Names"/>, or null when there is no such job.</summary>
    public static Job? TryRead(RedisValue[] values) => values[0].IsNull ? null : Read(values);

    public static Job Read(RedisResult result) => Read((RedisValue[])result!);

    private static Job Read(RedisValue[] v) => new()
    {
        Id = v[0]!,
        Shard = (int)Number(v[1]),
        State = (JobState)Number(v[2]),
        Due = Time(v[3]),
        Cron = v[4],
        Target = JobTarget.From((JobTargetKind)Number(v[5]), v[6]!),
        Data = v[7],
        Key = v[8],
        IdempotencyKey = v[9],
        Attempt = (int)Number(v[10]),
        Retry = new RetryPolicy
        {
            Attempts = (int)Number(v[11]),
            InitialDelay = TimeSpan.FromMilliseconds(Number(v[12])),
            MaxDelay = TimeSpan.FromMilliseconds(Number(v[13])),
        },
        Timeout = TimeSpan.FromMilliseconds(Number(v[14])),
        Misfire = (MisfirePolicy)Number(v[15]),
        Created = Time(v[16]),
        Updated = Time(v[17]),
        LastError = v[18],
    };

    public static DateTimeOffset Time(RedisValue value) => DateTimeOffset.FromUnixTimeMilliseconds(Number(value));

    // Numbers come back as text; one a script computed could be written in exponent form, so that reads too.
    public static long Number(RedisValue value) =>
        value.TryParse(out long whole) ? whole : (long)double.Parse((string)value!, CultureInfo.InvariantCulture);
}
