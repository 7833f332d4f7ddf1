namespace DistKit.Balancing.Policies;

/// <summary>
/// Finagle's latency-aware balancer: two distinct endpoints at random, the one with the lower cost,
/// where cost is a peak-sensitive moving average of latency times (calls in flight + 1). A slow
/// endpoint is avoided from its first slow answer and tried again as its average decays. Count each
/// call with <see cref="LoadAwareBalancers.Start"/> so its latency is measured when disposed.
/// </summary>
public sealed class PeakEwmaBalancer : ILoadAwareBalancer
{
    private readonly Random _random;
    private readonly EndpointLoad[] _loads;
    private readonly TimeProvider _time;

    /// <summary>Balances over <paramref name="endpoints"/>, with their <paramref name="loads"/> if kept elsewhere (default: new ones on <paramref name="time"/>).</summary>
    public PeakEwmaBalancer(EndpointSet endpoints, Random? random = null, IReadOnlyList<EndpointLoad>? loads = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = endpoints;
        _random = random ?? Random.Shared;
        _loads = LoadAwareBalancers.LoadsFor(endpoints, loads, time);
        _time = _loads[0].Time;
    }

    /// <inheritdoc />
    public EndpointSet Endpoints { get; }

    /// <inheritdoc />
    public EndpointLoad LoadOf(int index) => _loads[index];

    /// <inheritdoc />
    public int PickIndex()
    {
        var n = _loads.Length;
        if (n == 1)
        {
            return 0;
        }

        var (a, b) = TwoChoices.Draw(_random, n);
        var now = _time.GetTimestamp();
        return _loads[b].Cost(now) < _loads[a].Cost(now) ? b : a;
    }
}
