namespace DistKit.Balancing.Policies;

/// <summary>
/// Lamping and Veach's jump consistent hash: no table, no memory, a few multiplications per pick,
/// and a perfectly even spread. Endpoints are numbered buckets and weights are not used: adding or
/// removing the last endpoint moves 1/n of the keys, but removing one from the middle renumbers
/// those after it, so use it where instances are numbered shards that grow and shrink at the end.
/// </summary>
public sealed class JumpHashBalancer : IKeyedLoadBalancer
{
    private readonly Random _random;

    /// <summary>Buckets over <paramref name="endpoints"/>, in their order.</summary>
    public JumpHashBalancer(EndpointSet endpoints, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = endpoints;
        _random = random ?? Random.Shared;
    }

    /// <inheritdoc />
    public EndpointSet Endpoints { get; }

    /// <inheritdoc />
    public int PickIndex() => PickIndex(KeyedLoadBalancers.RandomHash(_random));

    /// <inheritdoc />
    public int PickIndex(ulong keyHash) => Bucket(keyHash, Endpoints.Count);

    /// <summary>The bucket of <paramref name="key"/> among <paramref name="buckets"/>.</summary>
    public static int Bucket(ulong key, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        long b = -1, j = 0;
        while (j < buckets)
        {
            b = j;
            key = (key * 2862933555777941757UL) + 1;
            j = (long)((b + 1) * ((double)(1L << 31) / ((key >> 33) + 1)));
        }

        return (int)b;
    }
}
