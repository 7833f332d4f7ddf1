using Cronos;

namespace DistKit.Scheduling.Jobs;

/// <summary>Cron expressions, parsed by Cronos and evaluated in UTC.</summary>
public static class CronSchedule
{
    /// <summary>Parses five fields (minute first) or six (seconds first); throws <see cref="FormatException"/> saying why not.</summary>
    public static CronExpression Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new FormatException($"'{expression}' is not a cron expression ({e.Message.TrimEnd('.')}); write five fields, e.g. \"*/5 * * * *\", or six with seconds first", e);
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null when there is none.</summary>
    public static DateTimeOffset? Next(string expression, DateTimeOffset after) =>
        Parse(expression).GetNextOccurrence(after, TimeZoneInfo.Utc);
}
