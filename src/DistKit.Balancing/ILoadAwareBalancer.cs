namespace DistKit.Balancing;

/// <summary>A balancer that picks by what the endpoints are doing: count each call with <see cref="LoadAwareBalancers.Start"/>.</summary>
public interface ILoadAwareBalancer : ILoadBalancer
{
    /// <summary>The load of the endpoint at <paramref name="index"/>.</summary>
    EndpointLoad LoadOf(int index);
}

/// <summary>Conveniences over <see cref="ILoadAwareBalancer"/>.</summary>
public static class LoadAwareBalancers
{
    /// <summary>Picks an endpoint and counts a call on it until the returned call is disposed.</summary>
    public static OutstandingCall Start(this ILoadAwareBalancer balancer)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        return balancer.StartOn(balancer.PickIndex());
    }

    /// <summary>Counts a call on the endpoint at <paramref name="index"/> (one the caller routed itself, a retry, a keyed pick).</summary>
    public static OutstandingCall StartOn(this ILoadAwareBalancer balancer, int index)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        return new OutstandingCall(balancer.LoadOf(index), balancer.Endpoints[index], index);
    }

    /// <summary>One load per endpoint of <paramref name="endpoints"/>, or <paramref name="given"/> checked against it.</summary>
    internal static EndpointLoad[] LoadsFor(EndpointSet endpoints, IReadOnlyList<EndpointLoad>? given, TimeProvider? time)
    {
        if (given is null)
        {
            return [.. Enumerable.Range(0, endpoints.Count).Select(_ => new EndpointLoad(time))];
        }

        if (given.Count != endpoints.Count)
        {
            throw new ArgumentException($"{given.Count} loads for {endpoints.Count} endpoints", nameof(given));
        }

        return [.. given];
    }
}
