namespace DistKit.Balancing;

/// <summary>An immutable list of endpoints a balancer picks from, checked once so every pick can trust it.</summary>
public sealed class EndpointSet
{
    /// <summary>The largest weight an endpoint may have.</summary>
    public const int MaxWeight = 10_000;

    private readonly ServiceEndpoint[] _endpoints;

    /// <summary>Takes <paramref name="endpoints"/>: at least one, distinct addresses, weights 1 to 10,000.</summary>
    /// <exception cref="ArgumentException">The list breaks one of those rules.</exception>
    public EndpointSet(IEnumerable<ServiceEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _endpoints = [.. endpoints];
        if (_endpoints.Length == 0)
        {
            throw new ArgumentException("an endpoint set needs at least one endpoint", nameof(endpoints));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in _endpoints)
        {
            ArgumentNullException.ThrowIfNull(endpoint, nameof(endpoints));
            ArgumentException.ThrowIfNullOrWhiteSpace(endpoint.Address, nameof(endpoints));
            if (endpoint.Weight is < 1 or > MaxWeight)
            {
                throw new ArgumentException($"endpoint {endpoint.Address}: weight {endpoint.Weight} is not 1 to {MaxWeight}", nameof(endpoints));
            }

            if (!seen.Add(endpoint.Address))
            {
                throw new ArgumentException($"endpoint {endpoint.Address} appears twice", nameof(endpoints));
            }
        }

        TotalWeight = _endpoints.Sum(e => (long)e.Weight);
    }

    /// <summary>How many endpoints there are.</summary>
    public int Count => _endpoints.Length;

    /// <summary>The endpoint at <paramref name="index"/>.</summary>
    public ServiceEndpoint this[int index] => _endpoints[index];

    /// <summary>The sum of the weights.</summary>
    public long TotalWeight { get; }

    /// <summary>The endpoints, in the order given.</summary>
    public IReadOnlyList<ServiceEndpoint> Endpoints => _endpoints;
}
