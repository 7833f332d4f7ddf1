namespace DistKit.Balancing.Policies;

/// <summary>A uniformly random endpoint per call (weights ignored; see <see cref="WeightedRandomBalancer"/>).</summary>
/// <param name="endpoints">The endpoints.</param>
/// <param name="random">The generator; default <see cref="Random.Shared"/> (thread-safe, seeded per process).</param>
public sealed class RandomBalancer(EndpointSet endpoints, Random? random = null) : ILoadBalancer
{
    private readonly Random _random = random ?? Random.Shared;

    /// <inheritdoc />
    public EndpointSet Endpoints { get; } = endpoints ?? throw new ArgumentNullException(nameof(endpoints));

    /// <inheritdoc />
    public int PickIndex() => _random.Next(Endpoints.Count);
}
