namespace DistKit.Balancing.Policies;

/// <summary>
/// nginx's smooth weighted round robin: over each cycle of total-weight calls every endpoint gets
/// exactly its weight, spread out (weights {5, 1, 1} give a a b a c a a). The cycle is computed
/// once, so a pick is one atomic increment; each balancer starts at a random place in it, so
/// clients started together do not all begin with the heaviest endpoint.
/// </summary>
public sealed class SmoothWeightedRoundRobinBalancer : ILoadBalancer
{
    /// <summary>The longest cycle kept as a table (the sum of the weights).</summary>
    public const int MaxCycle = 1 << 20;

    private readonly int[] _cycle;
    private int _next;

    /// <summary>Balances over <paramref name="endpoints"/> by weight.</summary>
    /// <exception cref="ArgumentException">The weights sum to more than <see cref="MaxCycle"/>.</exception>
    public SmoothWeightedRoundRobinBalancer(EndpointSet endpoints, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.TotalWeight > MaxCycle)
        {
            throw new ArgumentException($"the weights sum to {endpoints.TotalWeight}; smooth weighted round robin keeps cycles up to {MaxCycle} (scale the weights down)", nameof(endpoints));
        }

        Endpoints = endpoints;
        _cycle = Cycle(endpoints);
        _next = (random ?? Random.Shared).Next(_cycle.Length) - 1;
    }

    /// <inheritdoc />
    public EndpointSet Endpoints { get; }

    /// <inheritdoc />
    public int PickIndex() => _cycle[(uint)Interlocked.Increment(ref _next) % (uint)_cycle.Length];

    /// <summary>
    /// One cycle of nginx's algorithm from its starting state: each step adds every endpoint's
    /// weight to its current value, picks the largest (the first on a tie) and takes the total off it.
    /// </summary>
    internal static int[] Cycle(EndpointSet endpoints)
    {
        var current = new long[endpoints.Count];
        var cycle = new int[endpoints.TotalWeight];
        for (var step = 0; step < cycle.Length; step++)
        {
            var best = 0;
            for (var i = 0; i < current.Length; i++)
            {
                current[i] += endpoints[i].Weight;
                if (current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= endpoints.TotalWeight;
            cycle[step] = best;
        }

        return cycle;
    }
}
