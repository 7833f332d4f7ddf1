namespace DistKit.Balancing.Policies;

/// <summary>
/// Least outstanding requests by the power of two choices: two distinct endpoints at random, the
/// one with fewer calls in flight (the first on a tie). Near the balance of "least of all" at the
/// cost of two reads, and no herd onto the one least-loaded endpoint. Track each call with
/// <see cref="Start"/> and dispose what it returns when the call ends.
/// </summary>
public sealed class LeastOutstandingBalancer : ILoadBalancer
{
    private readonly Random _random;
    private readonly int[] _outstanding;

    /// <summary>Balances over <paramref name="endpoints"/>.</summary>
    public LeastOutstandingBalancer(EndpointSet endpoints, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = endpoints;
        _random = random ?? Random.Shared;
        _outstanding = new int[endpoints.Count];
    }

    /// <inheritdoc />
    public EndpointSet Endpoints { get; }

    /// <summary>Calls in flight on the endpoint at <paramref name="index"/>.</summary>
    public int Outstanding(int index) => Volatile.Read(ref _outstanding[index]);

    /// <inheritdoc />
    public int PickIndex()
    {
        var n = _outstanding.Length;
        if (n == 1)
        {
            return 0;
        }

        var a = _random.Next(n);
        var b = _random.Next(n - 1);
        if (b >= a)
        {
            b++; // distinct from a, every other index equally likely
        }

        return Volatile.Read(ref _outstanding[b]) < Volatile.Read(ref _outstanding[a]) ? b : a;
    }

    /// <summary>Picks an endpoint and counts a call in flight on it until the returned call is disposed.</summary>
    public OutstandingCall Start()
    {
        var index = PickIndex();
        Interlocked.Increment(ref _outstanding[index]);
        return new OutstandingCall(this, index);
    }

    /// <summary>Counts a call in flight on the endpoint at <paramref name="index"/> (a call the caller routed itself).</summary>
    internal OutstandingCall StartOn(int index)
    {
        Interlocked.Increment(ref _outstanding[index]);
        return new OutstandingCall(this, index);
    }

    internal void End(int index) => Interlocked.Decrement(ref _outstanding[index]);
}

/// <summary>A call counted on its endpoint; dispose it once, when the call ends.</summary>
public readonly struct OutstandingCall : IDisposable, IEquatable<OutstandingCall>
{
    private readonly LeastOutstandingBalancer? _balancer;

    internal OutstandingCall(LeastOutstandingBalancer balancer, int index)
    {
        _balancer = balancer;
        Index = index;
    }

    /// <summary>The endpoint's index.</summary>
    public int Index { get; }

    /// <summary>The endpoint.</summary>
    public Endpoint Endpoint => _balancer!.Endpoints[Index];

    /// <inheritdoc />
    public void Dispose() => _balancer?.End(Index);

    /// <inheritdoc />
    public bool Equals(OutstandingCall other) => ReferenceEquals(_balancer, other._balancer) && Index == other.Index;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OutstandingCall other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_balancer, Index);

    /// <summary>Equal when both count the same call slot.</summary>
    public static bool operator ==(OutstandingCall left, OutstandingCall right) => left.Equals(right);

    /// <summary>Not equal.</summary>
    public static bool operator !=(OutstandingCall left, OutstandingCall right) => !left.Equals(right);
}
