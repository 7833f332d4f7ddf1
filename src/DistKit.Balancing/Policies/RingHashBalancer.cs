namespace DistKit.Balancing.Policies;

/// <summary>
/// Ketama-style consistent hashing: each endpoint owns points on a 64-bit ring in proportion to its
/// weight, and a key goes to the owner of the first point at or after its hash. Adding or removing
/// one of n endpoints moves about 1/n of the keys — with equal weights exactly those of that
/// endpoint; with unequal ones the others' points are rescaled to the new mean weight, moving a
/// few more. A share wanders from its weight's by about 1/√points. A pick is a binary search over
/// the points: O(log points).
/// </summary>
public sealed class RingHashBalancer : IKeyedLoadBalancer
{
    /// <summary>Points an endpoint of average weight gets by default (ketama uses 160).</summary>
    public const int DefaultPointsPerEndpoint = 160;

    /// <summary>The most points a ring holds.</summary>
    public const int MaxPoints = 1 << 23;

    private readonly ulong[] _points;
    private readonly int[] _owners;
    private readonly Random _random;

    /// <summary>Places <paramref name="endpoints"/> on the ring, <paramref name="pointsPerEndpoint"/> points for an endpoint of average weight.</summary>
    public RingHashBalancer(EndpointSet endpoints, int pointsPerEndpoint = DefaultPointsPerEndpoint, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentOutOfRangeException.ThrowIfLessThan(pointsPerEndpoint, 1);
        Endpoints = endpoints;
        _random = random ?? Random.Shared;
        var meanWeight = endpoints.TotalWeight / (double)endpoints.Count;
        var counts = endpoints.Endpoints.Select(e => Math.Max(1, (int)Math.Round(pointsPerEndpoint * e.Weight / meanWeight))).ToArray();
        var total = counts.Sum(c => (long)c);
        if (total > MaxPoints)
        {
            throw new ArgumentException($"{total} ring points is more than {MaxPoints}; use fewer points per endpoint", nameof(pointsPerEndpoint));
        }

        _points = new ulong[total];
        _owners = new int[total];
        var at = 0;
        for (var i = 0; i < endpoints.Count; i++)
        {
            for (var r = 0; r < counts[i]; r++)
            {
                _points[at] = KeyHash.Seeded($"{endpoints[i].Address}#{r}", 0);
                _owners[at] = i;
                at++;
            }
        }

        // Ties (a 64-bit collision) are broken by owner so every process builds the same ring.
        var order = Enumerable.Range(0, (int)total).OrderBy(p => _points[p]).ThenBy(p => endpoints[_owners[p]].Address, StringComparer.Ordinal).ToArray();
        _points = [.. order.Select(p => _points[p])];
        _owners = [.. order.Select(p => _owners[p])];
    }

    /// <inheritdoc />
    public EndpointSet Endpoints { get; }

    /// <summary>How many points the ring holds.</summary>
    public int PointCount => _points.Length;

    /// <inheritdoc />
    public int PickIndex() => PickIndex(KeyedLoadBalancers.RandomHash(_random));

    /// <inheritdoc />
    public int PickIndex(ulong keyHash) => _owners[PointAtOrAfter(keyHash)];

    /// <summary>The position of the first point at or after <paramref name="keyHash"/>, wrapping to the first.</summary>
    internal int PointAtOrAfter(ulong keyHash)
    {
        var at = Array.BinarySearch(_points, keyHash);
        if (at < 0)
        {
            at = ~at;
        }

        return at == _points.Length ? 0 : at;
    }

    /// <summary>The owner of the point at <paramref name="position"/> (any integer; taken modulo the ring).</summary>
    internal int OwnerAt(int position) => _owners[position % _owners.Length];
}
