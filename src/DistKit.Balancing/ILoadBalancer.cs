namespace DistKit.Balancing;

/// <summary>
/// Picks one endpoint of a set for each call. Implementations are thread-safe, take no lock and
/// allocate nothing on the pick path.
/// </summary>
public interface ILoadBalancer
{
    /// <summary>The endpoints picked from.</summary>
    EndpointSet Endpoints { get; }

    /// <summary>The index in <see cref="Endpoints"/> of the endpoint for the next call.</summary>
    int PickIndex();
}

/// <summary>Conveniences over <see cref="ILoadBalancer"/>.</summary>
public static class LoadBalancers
{
    /// <summary>The endpoint for the next call.</summary>
    public static ServiceEndpoint Pick(this ILoadBalancer balancer)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        return balancer.Endpoints[balancer.PickIndex()];
    }
}
