using System.Globalization;

namespace DistKit.Search.Wire;

/// <summary>Elasticsearch's time values: <c>500ms</c>, <c>1s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>, and <c>-1</c> for never.</summary>
public static class TimeValues
{
    private static readonly (string Suffix, double Milliseconds)[] Units =
    [
        ("nanos", 1e-6), ("micros", 1e-3), ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ];

    /// <summary>Reads <paramref name="text"/>; <c>-1</c> is <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    /// <exception cref="SearchException"><c>illegal_argument_exception</c> naming <paramref name="setting"/> when it is not a time value.</exception>
    public static TimeSpan Parse(string text, string setting)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed == "-1")
        {
            return Timeout.InfiniteTimeSpan;
        }

        // Longest suffix first: "ms" before "s", "micros" before "s".
        foreach (var (suffix, milliseconds) in Units.OrderByDescending(u => u.Suffix.Length))
        {
            if (trimmed.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(trimmed.AsSpan(0, trimmed.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && amount >= 0
                && amount * milliseconds < TimeSpan.MaxValue.TotalMilliseconds)
            {
                return TimeSpan.FromMilliseconds(amount * milliseconds);
            }
        }

        throw SearchException.IllegalArgument(
            $"failed to parse setting [{setting}] with value [{text}] as a time value: unit is missing or unrecognized");
    }

    /// <summary>Writes <paramref name="value"/> as Elasticsearch shows it (<c>1s</c>, <c>500ms</c>, <c>-1</c>).</summary>
    public static string Format(TimeSpan value)
    {
        if (value == Timeout.InfiniteTimeSpan)
        {
            return "-1";
        }

        var ms = value.TotalMilliseconds;
        return ms % 86_400_000 == 0 && ms > 0 ? $"{ms / 86_400_000:0}d"
            : ms % 3_600_000 == 0 && ms > 0 ? $"{ms / 3_600_000:0}h"
            : ms % 60_000 == 0 && ms > 0 ? $"{ms / 60_000:0}m"
            : ms % 1000 == 0 && ms > 0 ? $"{ms / 1000:0}s"
            : $"{ms.ToString("0.###", CultureInfo.InvariantCulture)}ms";
    }
}
