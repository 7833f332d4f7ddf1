using DistKit.Core;

namespace DistKit.Balancing.Services;

/// <summary>A service has no endpoint to call: discovery has found none yet, or every one is ejected and panic mode is off.</summary>
public sealed class NoEndpointsException : DistKitException
{
    /// <summary>Creates the exception for <paramref name="service"/>.</summary>
    public NoEndpointsException(string service, string why)
        : base($"service '{service}' has no endpoint to call: {why}")
    {
        Service = service;
        IsTransient = true;
    }

    /// <summary>The service.</summary>
    public string Service { get; }
}
