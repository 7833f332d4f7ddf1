namespace DistKit.Configuration.Values;

/// <summary>One line of a diff: kept (<c>' '</c>), removed (<c>'-'</c>) or added (<c>'+'</c>).</summary>
/// <param name="Op">' ', '-' or '+'.</param>
/// <param name="Text">The line, without its line end.</param>
public readonly record struct DiffLine(char Op, string Text);

/// <summary>A line diff of two texts: the longest common subsequence of lines kept, the rest removed then added.</summary>
public static class LineDiff
{
    // Past this many cells the table costs more than a config diff is worth; the answer is then
    // "every line replaced", which is still a correct diff, only not a minimal one.
    private const long MaxCells = 4_000_000;

    /// <summary>The lines that turn <paramref name="before"/> into <paramref name="after"/>.</summary>
    public static IReadOnlyList<DiffLine> Compute(string before, string after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var a = Lines(before);
        var b = Lines(after);
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)])
        {
            suffix++;
        }

        var result = new List<DiffLine>(a.Length + b.Length);
        result.AddRange(a[..prefix].Select(l => new DiffLine(' ', l)));
        Middle(a[prefix..^suffix], b[prefix..^suffix], result);
        result.AddRange(a[^suffix..].Select(l => new DiffLine(' ', l)));
        return result;
    }

    private static void Middle(string[] a, string[] b, List<DiffLine> into)
    {
        if ((long)a.Length * b.Length > MaxCells || a.Length == 0 || b.Length == 0)
        {
            into.AddRange(a.Select(l => new DiffLine('-', l)));
            into.AddRange(b.Select(l => new DiffLine('+', l)));
            return;
        }

        // lcs[i, j]: the common subsequence length of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        int x = 0, y = 0;
        while (x < a.Length && y < b.Length)
        {
            if (a[x] == b[y])
            {
                into.Add(new(' ', a[x++]));
                y++;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1])
            {
                into.Add(new('-', a[x++]));
            }
            else
            {
                into.Add(new('+', b[y++]));
            }
        }

        while (x < a.Length)
        {
            into.Add(new('-', a[x++]));
        }

        while (y < b.Length)
        {
            into.Add(new('+', b[y++]));
        }
    }

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
}
