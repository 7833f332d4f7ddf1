namespace DistKit.Balancing.Policies;

/// <summary>The policies by the names settings use (<c>DistKit:Balancing:Services:orders:Policy = peak-ewma</c>).</summary>
public static class BalancingPolicies
{
    /// <summary>Each endpoint in turn from a random place.</summary>
    public const string RoundRobin = "round-robin";

    /// <summary>Uniformly at random.</summary>
    public const string Random = "random";

    /// <summary>At random by weight (alias method).</summary>
    public const string WeightedRandom = "weighted-random";

    /// <summary>nginx's smooth weighted round robin.</summary>
    public const string SmoothWeightedRoundRobin = "smooth-weighted-round-robin";

    /// <summary>Fewer calls in flight, of two random choices.</summary>
    public const string LeastOutstanding = "least-outstanding";

    /// <summary>Lower peak-EWMA latency × calls in flight, of two random choices.</summary>
    public const string PeakEwma = "peak-ewma";

    /// <summary>Ketama-style ring (keyed).</summary>
    public const string RingHash = "ring-hash";

    /// <summary>Maglev table (keyed).</summary>
    public const string Maglev = "maglev";

    /// <summary>Jump consistent hash (keyed).</summary>
    public const string Jump = "jump";

    /// <summary>Weighted rendezvous hashing (keyed).</summary>
    public const string Rendezvous = "rendezvous";

    /// <summary>Ring hash with bounded loads (keyed).</summary>
    public const string BoundedLoad = "bounded-load";

    /// <summary>Every policy name, in the order the docs list them.</summary>
    public static IReadOnlyList<string> All { get; } =
        [RoundRobin, Random, WeightedRandom, SmoothWeightedRoundRobin, LeastOutstanding, PeakEwma, RingHash, Maglev, Jump, Rendezvous, BoundedLoad];

    /// <summary>True for the policies that keep a key on one endpoint.</summary>
    public static bool IsKeyed(string policy) => policy is RingHash or Maglev or Jump or Rendezvous or BoundedLoad;

    /// <summary>True for a known policy name.</summary>
    public static bool IsKnown(string policy) => All.Contains(policy, StringComparer.Ordinal);

    /// <summary>
    /// A balancer of <paramref name="policy"/> over <paramref name="endpoints"/>. Load-aware policies
    /// read <paramref name="loads"/> (one per endpoint, in order; new ones when null).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown policy, or settings the policy refuses.</exception>
    public static ILoadBalancer Create(string policy, EndpointSet endpoints, PolicySettings? settings = null, IReadOnlyList<EndpointLoad>? loads = null, System.Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        settings ??= new PolicySettings();
        return policy switch
        {
            RoundRobin => new RoundRobinBalancer(endpoints, random),
            Random => new RandomBalancer(endpoints, random),
            WeightedRandom => new WeightedRandomBalancer(endpoints, random),
            SmoothWeightedRoundRobin => new SmoothWeightedRoundRobinBalancer(endpoints, random),
            LeastOutstanding => new LeastOutstandingBalancer(endpoints, random, loads),
            PeakEwma => new PeakEwmaBalancer(endpoints, random, loads),
            RingHash => new RingHashBalancer(endpoints, settings.PointsPerEndpoint, random),
            Maglev => new MaglevBalancer(endpoints, settings.MaglevTableSize, random),
            Jump => new JumpHashBalancer(endpoints, random),
            Rendezvous => new RendezvousBalancer(endpoints, random),
            BoundedLoad => new BoundedLoadBalancer(endpoints, settings.BalanceFactor, settings.PointsPerEndpoint, random, loads),
            _ => throw new ArgumentException($"'{policy}' is not a balancing policy; use one of {string.Join(", ", All)}", nameof(policy)),
        };
    }
}

/// <summary>The settings of the policies that have any.</summary>
public sealed class PolicySettings
{
    /// <summary>Ring points for an endpoint of average weight (ring hash, bounded load). Default 160.</summary>
    public int PointsPerEndpoint { get; set; } = RingHashBalancer.DefaultPointsPerEndpoint;

    /// <summary>Maglev's table size, a prime. Default 65,537.</summary>
    public int MaglevTableSize { get; set; } = MaglevBalancer.DefaultTableSize;

    /// <summary>Bounded load's ε: no endpoint above (1 + ε) × its share. Default 0.25.</summary>
    public double BalanceFactor { get; set; } = BoundedLoadBalancer.DefaultBalanceFactor;
}
