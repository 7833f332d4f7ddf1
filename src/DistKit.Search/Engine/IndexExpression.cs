namespace DistKit.Search.Engine;

/// <summary>
/// The indices a request names: one, a comma-separated list, wildcards (<c>logs-*</c>), exclusions
/// after a wildcard (<c>logs-*,-logs-old</c>), or all of them (<c>_all</c>, <c>*</c>, nothing).
/// </summary>
public static class IndexExpression
{
    /// <summary>The existing indices <paramref name="expression"/> names, in name order.</summary>
    /// <param name="expression">The expression.</param>
    /// <param name="existing">Every index there is.</param>
    /// <param name="ignoreUnavailable">Skip names that do not exist rather than failing.</param>
    /// <param name="allowNoIndices">Let wildcards match nothing.</param>
    /// <exception cref="SearchException"><c>index_not_found_exception</c> (404).</exception>
    public static IReadOnlyList<string> Resolve(string? expression, IReadOnlyList<string> existing, bool ignoreUnavailable = false, bool allowNoIndices = true)
    {
        ArgumentNullException.ThrowIfNull(existing);
        var parts = (expression ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts is ["_all"])
        {
            parts = ["*"];
        }

        var chosen = new SortedSet<string>(StringComparer.Ordinal);
        var sawWildcard = false;
        foreach (var part in parts)
        {
            if (part.StartsWith('-') && sawWildcard)
            {
                chosen.RemoveWhere(name => Matches(part[1..], name));
            }
            else if (part.Contains('*', StringComparison.Ordinal))
            {
                sawWildcard = true;
                var matched = existing.Where(name => Matches(part, name)).ToList();
                if (matched.Count == 0 && !allowNoIndices)
                {
                    throw NotFound(part);
                }

                chosen.UnionWith(matched);
            }
            else if (existing.Contains(part, StringComparer.Ordinal))
            {
                chosen.Add(part);
            }
            else if (!ignoreUnavailable)
            {
                throw NotFound(part);
            }
        }

        return [.. chosen];
    }

    private static SearchException NotFound(string index) => new("index_not_found_exception", $"no such index [{index}]", 404);

    private static bool Matches(string pattern, string name)
    {
        var pieces = pattern.Split('*');
        if (pieces.Length == 1)
        {
            return pattern == name;
        }

        if (!name.StartsWith(pieces[0], StringComparison.Ordinal) || !name.EndsWith(pieces[^1], StringComparison.Ordinal)
            || name.Length < pieces[0].Length + pieces[^1].Length)
        {
            return false;
        }

        var at = pieces[0].Length;
        var end = name.Length - pieces[^1].Length;
        for (var i = 1; i < pieces.Length - 1; i++)
        {
            var found = name.IndexOf(pieces[i], at, end - at, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            at = found + pieces[i].Length;
        }

        return true;
    }
}
