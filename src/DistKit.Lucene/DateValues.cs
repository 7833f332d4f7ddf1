using System.Globalization;
using System.Text.RegularExpressions;

namespace DistKit.Lucene;

/// <summary>
/// Dates as Elasticsearch reads them: ISO 8601 (<c>2024-05-01</c>, <c>2024-05-01T08:30:00Z</c>), epoch
/// milliseconds, and in queries date math: <c>now-1d/d</c>, <c>2024-05-01||+1M/M</c>.
/// </summary>
internal static partial class DateValues
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>True when <paramref name="text"/> looks like a date to dynamic mapping (strict_date_optional_time).</summary>
    public static bool LooksLikeDate(string text) => text.Length >= 10 && text[4] == '-' && TryParseIso(text, out _);

    public static bool TryParse(string text, out long epochMillis)
    {
        if (TryParseIso(text, out var at))
        {
            epochMillis = at.ToUnixTimeMilliseconds();
            return true;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out epochMillis);
    }

    /// <summary>
    /// A query bound: a date, epoch milliseconds, or date math; <paramref name="roundUp"/> for bounds
    /// Elasticsearch rounds up (<c>gt</c>, <c>lte</c>): to the end of a <c>/unit</c>, and a date
    /// without a time to the end of its day.
    /// </summary>
    public static long Resolve(string text, DateTimeOffset now, bool roundUp)
    {
        try
        {
            return ResolveChecked(text, now, roundUp);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            throw Search.SearchException.Parsing($"failed to parse date field [{text}]: out of range");
        }
    }

    private static long ResolveChecked(string text, DateTimeOffset now, bool roundUp)
    {
        string anchorText;
        string math;
        if (text.StartsWith("now", StringComparison.Ordinal))
        {
            anchorText = "";
            math = text[3..];
        }
        else
        {
            var bars = text.IndexOf("||", StringComparison.Ordinal);
            anchorText = bars < 0 ? text : text[..bars];
            math = bars < 0 ? "" : text[(bars + 2)..];
        }

        DateTimeOffset at;
        if (anchorText.Length == 0)
        {
            at = now;
        }
        else if (TryParse(anchorText, out var millis))
        {
            at = DateTimeOffset.FromUnixTimeMilliseconds(millis);
            if (roundUp && math.Length == 0 && anchorText.Length == 10 && anchorText[4] == '-')
            {
                at = at.AddDays(1).AddMilliseconds(-1); // 2024-06-01 as an upper bound is the whole day
            }
        }
        else
        {
            throw Search.SearchException.Parsing($"failed to parse date field [{text}]");
        }

        var at2 = at;
        var position = 0;
        while (position < math.Length)
        {
            var step = MathStep().Match(math, position);
            if (!step.Success || step.Index != position)
            {
                throw Search.SearchException.Parsing($"failed to parse date math [{text}] at [{math[position..]}]");
            }

            var unit = step.Groups["unit"].Value[0];
            if (step.Groups["op"].Value == "/")
            {
                at2 = Round(at2, unit, roundUp);
            }
            else
            {
                var amount = int.Parse(step.Groups["n"].Value.Length == 0 ? "1" : step.Groups["n"].Value, CultureInfo.InvariantCulture);
                at2 = Add(at2, unit, step.Groups["op"].Value == "-" ? -amount : amount);
            }

            position += step.Length;
        }

        return at2.ToUnixTimeMilliseconds();
    }

    private static bool TryParseIso(string text, out DateTimeOffset at) =>
        DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);

    private static DateTimeOffset Add(DateTimeOffset at, char unit, int amount) => unit switch
    {
        'y' => at.AddYears(amount),
        'M' => at.AddMonths(amount),
        'w' => at.AddDays(7 * amount),
        'd' => at.AddDays(amount),
        'h' or 'H' => at.AddHours(amount),
        'm' => at.AddMinutes(amount),
        's' => at.AddSeconds(amount),
        _ => throw Search.SearchException.Parsing($"unknown date math unit [{unit}]"),
    };

    // Rounding down to the unit's start; up (for inclusive upper bounds) to its last millisecond.
    private static DateTimeOffset Round(DateTimeOffset at, char unit, bool up)
    {
        var u = at.UtcDateTime;
        DateTime start = unit switch
        {
            'y' => new DateTime(u.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            'M' => new DateTime(u.Year, u.Month, 1, 0, 0, 0, DateTimeKind.Utc),
            'w' => u.Date.AddDays(-(((int)u.DayOfWeek + 6) % 7)),
            'd' => u.Date,
            'h' or 'H' => new DateTime(u.Year, u.Month, u.Day, u.Hour, 0, 0, DateTimeKind.Utc),
            'm' => new DateTime(u.Year, u.Month, u.Day, u.Hour, u.Minute, 0, DateTimeKind.Utc),
            's' => new DateTime(u.Year, u.Month, u.Day, u.Hour, u.Minute, u.Second, DateTimeKind.Utc),
            _ => throw Search.SearchException.Parsing($"unknown date math unit [{unit}]"),
        };
        var rounded = new DateTimeOffset(start, TimeSpan.Zero);
        return up ? Add(rounded, unit, 1).AddMilliseconds(-1) : rounded;
    }

    [GeneratedRegex(@"(?<op>[+\-/])(?<n>\d*)(?<unit>[yMwdhHms])")]
    private static partial Regex MathStep();
}
