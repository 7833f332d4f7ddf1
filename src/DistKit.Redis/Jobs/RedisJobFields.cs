using System.Globalization;
using DistKit.Scheduling.Jobs;
using StackExchange.Redis;

namespace DistKit.Redis.Jobs;

/// <summary>A job as the scripts return it: the fields of <see cref="JobColumns.List"/>, in that order, nullable ones as <c>=value</c> or empty for null.</summary>
internal static class RedisJobFields
{
    /// <summary>The job a script returned (its fields in order), or null for an empty reply (no such job).</summary>
    public static Job? TryRead(RedisResult result)
    {
        var values = (RedisValue[])result!;
        return values.Length == 0 ? null : Read(values);
    }

    public static Job Read(RedisResult result) => Read((RedisValue[])result!);

    private static Job Read(RedisValue[] v) => new()
    {
        Id = v[0]!,
        Shard = (int)Number(v[1]),
        State = (JobState)Number(v[2]),
        Due = Time(v[3]),
        Cron = Optional(v[4]),
        Target = JobTarget.From((JobTargetKind)Number(v[5]), v[6]!),
        Data = Optional(v[7]),
        Key = Optional(v[8]),
        IdempotencyKey = Optional(v[9]),
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
        LastError = Optional(v[18]),
    };

    // '=value', or '' for null: see RedisJobScripts.
    private static string? Optional(RedisValue value)
    {
        var text = (string?)value;
        return string.IsNullOrEmpty(text) ? null : text[1..];
    }

    public static DateTimeOffset Time(RedisValue value) => DateTimeOffset.FromUnixTimeMilliseconds(Number(value));

    // Numbers come back as text; one a script computed could be written in exponent form, so that reads too.
    public static long Number(RedisValue value) =>
        value.TryParse(out long whole) ? whole : (long)double.Parse((string)value!, CultureInfo.InvariantCulture);
}
