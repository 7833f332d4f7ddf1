namespace DistKit.Balancing.Services;

/// <summary>What a service balancer knows of one address, kept across endpoint-set updates.</summary>
internal sealed class TrackedEndpoint(ServiceEndpoint endpoint, EndpointLoad load)
{
    public ServiceEndpoint Endpoint { get; set; } = endpoint;

    public EndpointLoad Load { get; } = load;

    /// <summary>Failures since the last success; written from call completions without the balancer's lock.</summary>
    public int ConsecutiveFailures;

    /// <summary>Ejections in a row, decaying while the endpoint stays healthy.</summary>
    public int Ejections { get; set; }

    /// <summary>Ejected until this timestamp; 0 when not ejected.</summary>
    public long EjectedUntil { get; set; }

    /// <summary>When the last ejection ended (a timestamp).</summary>
    public long LastEjectionEnd { get; set; }

    /// <summary>When its slow start began (a timestamp); 0 when it has its full share.</summary>
    public long SlowStartFrom { get; set; }

    /// <summary>Removed from the service: late call completions no longer eject it.</summary>
    public bool Removed { get; set; }
}
