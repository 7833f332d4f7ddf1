namespace DistKit.Balancing;

/// <summary>A call counted on its endpoint's load until disposed; dispose it once, when the call ends.</summary>
public readonly struct OutstandingCall : IDisposable, IEquatable<OutstandingCall>
{
    private readonly EndpointLoad? _load;
    private readonly long _startedAt;

    internal OutstandingCall(EndpointLoad load, ServiceEndpoint endpoint, int index)
    {
        _load = load;
        Endpoint = endpoint;
        Index = index;
        _startedAt = load.Begin();
    }

    /// <summary>The endpoint's index in the balancer's set.</summary>
    public int Index { get; }

    /// <summary>The endpoint.</summary>
    public ServiceEndpoint Endpoint { get; }

    /// <inheritdoc />
    public void Dispose() => _load?.End(_startedAt);

    /// <inheritdoc />
    public bool Equals(OutstandingCall other) => ReferenceEquals(_load, other._load) && Index == other.Index && _startedAt == other._startedAt;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OutstandingCall other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_load, Index, _startedAt);

    /// <summary>Equal when both count the same call.</summary>
    public static bool operator ==(OutstandingCall left, OutstandingCall right) => left.Equals(right);

    /// <summary>Not equal.</summary>
    public static bool operator !=(OutstandingCall left, OutstandingCall right) => !left.Equals(right);
}
