using System.Globalization;

namespace DistKit.Search.Dsl;

/// <summary>
/// Elasticsearch's <c>minimum_should_match</c>: a count (<c>2</c>), a count of clauses that may be
/// missing (<c>-1</c>), or a share of them (<c>75%</c>, <c>-25%</c>).
/// </summary>
public sealed record MinimumShouldMatch
{
    private MinimumShouldMatch(int? count, double? percent, string text)
    {
        Count = count;
        Percent = percent;
        Text = text;
    }

    /// <summary>A count, negative for "all but".</summary>
    public int? Count { get; }

    /// <summary>A percentage, negative for "all but".</summary>
    public double? Percent { get; }

    /// <summary>As written.</summary>
    public string Text { get; }

    /// <summary>Reads <paramref name="text"/>; null when it is none of the forms.</summary>
    public static MinimumShouldMatch? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.EndsWith('%'))
        {
            return double.TryParse(trimmed[..^1], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) && percent is >= -100 and <= 100
                ? new MinimumShouldMatch(null, percent, trimmed)
                : null;
        }

        return int.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count)
            ? new MinimumShouldMatch(count, null, trimmed)
            : null;
    }

    /// <summary>How many of <paramref name="optional"/> clauses must match: never below 0 (Elasticsearch rounds a share down); a count above the clauses stays, so nothing matches, as in Elasticsearch.</summary>
    public int Resolve(int optional)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(optional);
        int required;
        if (Count is { } count)
        {
            required = count < 0 ? optional + count : count;
        }
        else
        {
            var share = (int)Math.Floor(optional * Math.Abs(Percent!.Value) / 100);
            required = Percent < 0 ? optional - share : share;
        }

        return Math.Max(required, 0);
    }
}
