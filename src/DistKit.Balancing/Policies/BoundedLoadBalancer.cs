namespace DistKit.Balancing.Policies;

/// <summary>
/// Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam; HAProxy's
/// <c>hash-balance-factor</c>): a key goes to its ring owner unless that endpoint already carries
/// more than (1 + ε) times its fair share of the calls in flight, then to the next endpoint along
/// the ring that does not. A pick never chooses an endpoint at its bound (picks racing on other
/// threads may each see the same room, overshooting it by as many as raced), and keys stay put
/// while loads are even. Count each call with <see cref="LoadAwareBalancers.StartOn"/>; a pick reads every
/// endpoint's load, so it costs O(n) besides the ring search.
/// </summary>
public sealed class BoundedLoadBalancer : IKeyedLoadBalancer, ILoadAwareBalancer
{
    /// <summary>The default ε: no endpoint above 1.25× its share (the paper's and HAProxy's usual choice).</summary>
    public const double DefaultBalanceFactor = 0.25;

    private readonly RingHashBalancer _ring;
    private readonly EndpointLoad[] _loads;
    private readonly int[] _weights;
    private readonly long _totalWeight;
    private readonly double _factor;
    private readonly Random _random;

    /// <summary>Bounds loads to (1 + <paramref name="epsilon"/>) times each endpoint's weighted share.</summary>
    public BoundedLoadBalancer(EndpointSet endpoints, double epsilon = DefaultBalanceFactor, int pointsPerEndpoint = RingHashBalancer.DefaultPointsPerEndpoint, Random? random = null, IReadOnlyList<EndpointLoad>? loads = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (!(epsilon > 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be above 0 (0.25 allows 1.25× the mean)");
        }

        _ring = new RingHashBalancer(endpoints, pointsPerEndpoint, random);
        _loads = LoadAwareBalancers.LoadsFor(endpoints, loads, null);
        _weights = [.. endpoints.Endpoints.Select(e => e.Weight)];
        _totalWeight = endpoints.TotalWeight;
        _factor = 1 + epsilon;
        _random = random ?? Random.Shared;
    }

    /// <inheritdoc />
    public EndpointSet Endpoints => _ring.Endpoints;

    /// <inheritdoc />
    public EndpointLoad LoadOf(int index) => _loads[index];

    /// <inheritdoc />
    public int PickIndex() => PickIndex(KeyedLoadBalancers.RandomHash(_random));

    /// <inheritdoc />
    public int PickIndex(ulong keyHash)
    {
        var total = Total();
        var start = _ring.PointAtOrAfter(keyHash);
        var points = _ring.PointCount;
        for (var step = 0; step < points; step++)
        {
            var owner = _ring.OwnerAt(start + step);
            if (Fits(owner, total))
            {
                return owner;
            }
        }

        // Unreachable while ε > 0: the bounds sum to more than the calls in flight, so one has room.
        return _ring.OwnerAt(start);
    }

    // The call about to start counts too, so the bound is over total + 1 calls.
    private bool Fits(int index, long total) => _loads[index].Outstanding + 1 <= Bound(_factor, total + 1, _weights[index], _totalWeight);

    /// <summary>The most calls an endpoint of <paramref name="weight"/> may carry out of <paramref name="calls"/>: ⌈(1 + ε) × calls × weight / total weight⌉.</summary>
    public static double Bound(double factor, long calls, int weight, long totalWeight) => Math.Ceiling(factor * calls * weight / totalWeight);

    private long Total()
    {
        long total = 0;
        foreach (var load in _loads)
        {
            total += load.Outstanding;
        }

        return total;
    }
}
