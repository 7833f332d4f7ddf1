namespace DistKit.Search.Engine;

/// <summary>One search over several indices, merged by score as a cluster merges its shards' hits.</summary>
public static class MultiIndexSearch
{
    /// <summary>
    /// Searches each of <paramref name="indices"/> for the first from + size hits and merges them:
    /// best score first (ties in index order), totals added.
    /// </summary>
    public static async Task<SearchResult> SearchAsync(this ISearchEngine engine, IReadOnlyList<string> indices, SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        if (indices.Count == 0)
        {
            return new SearchResult(0, null, [], 0);
        }

        if (indices.Count == 1)
        {
            return await engine.SearchAsync(indices[0], request, cancellationToken);
        }

        var window = request with { From = 0, Size = request.From + request.Size };
        var results = await Task.WhenAll(indices.Select(index => engine.SearchAsync(index, window, cancellationToken)));
        var hits = results
            .SelectMany((result, order) => result.Hits.Select((hit, rank) => (hit, order, rank)))
            .OrderByDescending(h => h.hit.Score)
            .ThenBy(h => h.order)
            .ThenBy(h => h.rank)
            .Skip(request.From)
            .Take(request.Size)
            .Select(h => h.hit)
            .ToList();
        var maxScore = results.Select(r => r.MaxScore).Where(s => s is not null).DefaultIfEmpty(null).Max();
        return new SearchResult(results.Sum(r => r.Total), maxScore, hits, results.Sum(r => r.Shards));
    }
}
