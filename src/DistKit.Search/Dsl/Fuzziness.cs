using System.Globalization;

namespace DistKit.Search.Dsl;

/// <summary>
/// Elasticsearch's <c>fuzziness</c>: a fixed edit distance (0, 1, 2), or <c>AUTO</c> — 0 edits for
/// terms of up to 2 characters, 1 up to 5, 2 beyond; <c>AUTO:low,high</c> moves those bounds.
/// </summary>
public sealed record Fuzziness
{
    private Fuzziness(int? edits, int low, int high, string text)
    {
        Edits = edits;
        Low = low;
        High = high;
        Text = text;
    }

    /// <summary>A fixed distance; null for AUTO.</summary>
    public int? Edits { get; }

    /// <summary>AUTO's first bound: terms shorter than this allow no edit.</summary>
    public int Low { get; }

    /// <summary>AUTO's second bound: terms shorter than this allow one edit, others two.</summary>
    public int High { get; }

    /// <summary>As written.</summary>
    public string Text { get; }

    /// <summary>Reads <paramref name="text"/>; null when it is none of the forms.</summary>
    public static Fuzziness? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Equals("AUTO", StringComparison.OrdinalIgnoreCase))
        {
            return new Fuzziness(null, 3, 6, "AUTO");
        }

        if (trimmed.StartsWith("AUTO:", StringComparison.OrdinalIgnoreCase))
        {
            var bounds = trimmed[5..].Split(',');
            return bounds.Length == 2
                && int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var low)
                && int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out var high)
                && low <= high
                    ? new Fuzziness(null, low, high, trimmed)
                    : null;
        }

        return int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var edits) && edits is >= 0 and <= 2
            ? new Fuzziness(edits, 0, 0, trimmed)
            : null;
    }

    /// <summary>The edits allowed for a term of <paramref name="length"/> characters.</summary>
    public int EditsFor(int length) => Edits ?? (length < Low ? 0 : length < High ? 1 : 2);
}
