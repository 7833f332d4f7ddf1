namespace DistKit.Balancing.Policies;

/// <summary>
/// A random endpoint with probability weight / total, in O(1) per pick by Vose's alias method: a
/// column per endpoint, each split between it and one alias, built once from the weights.
/// </summary>
public sealed class WeightedRandomBalancer : ILoadBalancer
{
    private readonly Random _random;
    private readonly double[] _keep;
    private readonly int[] _alias;

    /// <summary>Balances over <paramref name="endpoints"/> by weight.</summary>
    public WeightedRandomBalancer(EndpointSet endpoints, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = endpoints;
        _random = random ?? Random.Shared;
        (_keep, _alias) = AliasTable(endpoints);
    }

    /// <inheritdoc />
    public EndpointSet Endpoints { get; }

    /// <inheritdoc />
    public int PickIndex()
    {
        var column = _random.Next(_keep.Length);
        return _random.NextDouble() < _keep[column] ? column : _alias[column];
    }

    /// <summary>The exact probability each endpoint is picked, read back from the table (for tests and validation).</summary>
    internal double[] Probabilities()
    {
        var n = _keep.Length;
        var p = new double[n];
        for (var i = 0; i < n; i++)
        {
            p[i] += _keep[i] / n;
            p[_alias[i]] += (1 - _keep[i]) / n;
        }

        return p;
    }

    // Vose (1991): scale each probability by n; pair each column under 1 with one over 1, which
    // gives it the difference, until all are exactly 1.
    private static (double[] Keep, int[] Alias) AliasTable(EndpointSet endpoints)
    {
        var n = endpoints.Count;
        var keep = new double[n];
        var alias = new int[n];
        var scaled = new double[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (var i = 0; i < n; i++)
        {
            scaled[i] = (double)endpoints[i].Weight * n / endpoints.TotalWeight;
            (scaled[i] < 1 ? small : large).Push(i);
        }

        while (small.Count > 0 && large.Count > 0)
        {
            var less = small.Pop();
            var more = large.Pop();
            keep[less] = scaled[less];
            alias[less] = more;
            scaled[more] = scaled[more] + scaled[less] - 1;
            (scaled[more] < 1 ? small : large).Push(more);
        }

        // What is left is 1 but for rounding.
        foreach (var i in large.Concat(small))
        {
            keep[i] = 1;
            alias[i] = i;
        }

        return (keep, alias);
    }
}
