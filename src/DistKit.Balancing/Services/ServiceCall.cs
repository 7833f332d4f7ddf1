namespace DistKit.Balancing.Services;

/// <summary>
/// One attempt in flight on one endpoint: counted in its load until it ends, then fed back as a
/// latency sample and a success or failure for passive health. End it once; later ends are ignored.
/// </summary>
public sealed class ServiceCall
{
    private readonly ServiceBalancer _owner;
    private readonly TrackedEndpoint _endpoint;
    private readonly long _startedAt;
    private int _ended;

    internal ServiceCall(ServiceBalancer owner, TrackedEndpoint endpoint)
    {
        _owner = owner;
        _endpoint = endpoint;
        Endpoint = endpoint.Endpoint;
        _startedAt = endpoint.Load.Begin();
    }

    /// <summary>The endpoint called.</summary>
    public ServiceEndpoint Endpoint { get; }

    /// <summary>The call answered as it should.</summary>
    public void Succeeded()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _endpoint.Load.End(_startedAt);
            ServiceBalancer.Succeeded(_endpoint);
        }
    }

    /// <summary>The endpoint failed the call (no connection, a timeout, a 5xx): counts towards its ejection.</summary>
    public void Failed()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _endpoint.Load.End(_startedAt, succeeded: false);
            _owner.Failed(_endpoint);
        }
    }

    /// <summary>The call ended for a reason that says nothing of the endpoint (the caller cancelled): only its load is released.</summary>
    public void Abandoned()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _endpoint.Load.EndUnmeasured();
        }
    }
}
