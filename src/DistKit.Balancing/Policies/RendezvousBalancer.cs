namespace DistKit.Balancing.Policies;

/// <summary>
/// Weighted rendezvous (highest random weight) hashing: every endpoint scores the key, weight over
/// −ln of a uniform draw from hash(key, endpoint), and the highest score wins. Shares follow the
/// weights exactly in expectation and a membership change moves only the keys of the endpoint that
/// came or went, wherever it sits; the price is O(n) per pick, fine for tens of endpoints.
/// </summary>
public sealed class RendezvousBalancer : IKeyedLoadBalancer
{
    private readonly ulong[] _seeds;
    private readonly double[] _weights;
    private readonly Random _random;

    /// <summary>Scores over <paramref name="endpoints"/>.</summary>
    public RendezvousBalancer(EndpointSet endpoints, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = endpoints;
        _random = random ?? Random.Shared;
        _seeds = [.. endpoints.Endpoints.Select(e => KeyHash.Seeded(e.Address, 0))];
        _weights = [.. endpoints.Endpoints.Select(e => (double)e.Weight)];
    }

    /// <inheritdoc />
    public EndpointSet Endpoints { get; }

    /// <inheritdoc />
    public int PickIndex() => PickIndex(KeyedLoadBalancers.RandomHash(_random));

    /// <inheritdoc />
    public int PickIndex(ulong keyHash)
    {
        var best = 0;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < _seeds.Length; i++)
        {
            // A uniform draw in (0, 1) from 53 bits of the mixed hash; never 0, so the log is finite.
            var u = ((KeyHash.Mix(keyHash, _seeds[i]) >> 11) + 0.5) / (1UL << 53);
            var score = _weights[i] / -Math.Log(u);
            if (score > bestScore)
            {
                bestScore = score;
                best = i;
            }
        }

        return best;
    }
}
