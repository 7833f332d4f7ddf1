using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace DistKit.Core;

/// <summary>
/// The one duration syntax of DistKit's CLI, settings and HTTP API: a number and a unit
/// (<c>250ms</c>, <c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>), optionally several in a row
/// (<c>1h30m</c>), with decimals allowed (<c>1.5s</c>). A bare <c>0</c> means zero.
/// </summary>
public static class Duration
{
    private static readonly (string Unit, TimeSpan Size)[] Units =
    [
        ("ms", TimeSpan.FromMilliseconds(1)),
        ("s", TimeSpan.FromSeconds(1)),
        ("m", TimeSpan.FromMinutes(1)),
        ("h", TimeSpan.FromHours(1)),
        ("d", TimeSpan.FromDays(1)),
    ];

    /// <summary>Parses a duration or throws <see cref="FormatException"/> saying what is accepted.</summary>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value, out var error) ? value : throw new FormatException(error);
    }

    /// <summary>Parses a duration; returns false for anything that is not one.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out TimeSpan value) => TryParse(text, out value, out _);

    private static bool TryParse(string? text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        error = $"'{text}' is not a duration; write a number and a unit (ms, s, m, h, d), e.g. 250ms, 30s, 10m, 2h, 1d";
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        if (span is "0")
        {
            return true;
        }

        decimal totalTicks = 0;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 ||
                !decimal.TryParse(span[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            span = span[numberLength..];
            var unitLength = 0;
            while (unitLength < span.Length && char.IsAsciiLetterLower(span[unitLength]))
            {
                unitLength++;
            }

            var size = UnitSize(span[..unitLength]);
            if (size is null)
            {
                return false;
            }

            span = span[unitLength..];
            totalTicks += amount * size.Value.Ticks;
            if (totalTicks > TimeSpan.MaxValue.Ticks)
            {
                error = $"'{text}' is longer than the largest duration ({TimeSpan.MaxValue.TotalDays:F0}d)";
                return false;
            }
        }

        value = TimeSpan.FromTicks((long)totalTicks);
        return true;
    }

    private static TimeSpan? UnitSize(ReadOnlySpan<char> unit)
    {
        foreach (var (name, size) in Units)
        {
            if (unit.SequenceEqual(name))
            {
                return size;
            }
        }

        return null;
    }

    /// <summary>
    /// Writes a duration in the same syntax, largest units first (<c>1h30m</c>, <c>250ms</c>);
    /// <see cref="Parse"/> reads it back to the same value at millisecond precision.
    /// </summary>
    public static string Format(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A duration must not be negative.");
        }

        if (value < TimeSpan.FromMilliseconds(1))
        {
            return "0";
        }

        var builder = new StringBuilder();
        var remaining = TimeSpan.FromMilliseconds(Math.Floor(value.TotalMilliseconds));
        for (var i = Units.Length - 1; i >= 0; i--)
        {
            var (name, size) = Units[i];
            var count = remaining.Ticks / size.Ticks;
            if (count > 0)
            {
                builder.Append(count.ToString(CultureInfo.InvariantCulture)).Append(name);
                remaining -= TimeSpan.FromTicks(count * size.Ticks);
            }
        }

        return builder.ToString();
    }
}
