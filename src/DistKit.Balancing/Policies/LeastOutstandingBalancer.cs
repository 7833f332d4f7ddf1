namespace DistKit.Balancing.Policies;

/// <summary>
/// Least outstanding requests by the power of two choices: two distinct endpoints at random, the
/// one with fewer calls in flight (the first on a tie). Near the balance of "least of all" at the
/// cost of two reads, and no herd onto the one least-loaded endpoint. Count each call with
/// <see cref="LoadAwareBalancers.Start"/> and dispose what it returns when the call ends.
/// </summary>
public sealed class LeastOutstandingBalancer : ILoadAwareBalancer
{
    private readonly Random _random;
    private readonly EndpointLoad[] _loads;

    /// <summary>Balances over <paramref name="endpoints"/>, with their <paramref name="loads"/> if kept elsewhere (default: new ones).</summary>
    public LeastOutstandingBalancer(EndpointSet endpoints, Random? random = null, IReadOnlyList<EndpointLoad>? loads = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = endpoints;
        _random = random ?? Random.Shared;
        _loads = LoadAwareBalancers.LoadsFor(endpoints, loads, null);
    }

    /// <inheritdoc />
    public EndpointSet Endpoints { get; }

    /// <inheritdoc />
    public EndpointLoad LoadOf(int index) => _loads[index];

    /// <summary>Calls in flight on the endpoint at <paramref name="index"/>.</summary>
    public int Outstanding(int index) => _loads[index].Outstanding;

    /// <inheritdoc />
    public int PickIndex()
    {
        var n = _loads.Length;
        if (n == 1)
        {
            return 0;
        }

        var (a, b) = TwoChoices.Draw(_random, n);
        return _loads[b].Outstanding < _loads[a].Outstanding ? b : a;
    }
}
