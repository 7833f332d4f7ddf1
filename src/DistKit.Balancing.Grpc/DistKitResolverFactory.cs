using DistKit.Balancing.Discovery;
using Grpc.Net.Client.Balancer;

namespace DistKit.Balancing.Grpc;

/// <summary>
/// Resolves <c>distkit:///orders</c> (or <c>distkit://orders</c>) by DistKit discovery: the channel
/// gets every list the service's discovery gives, the etcd registry's changes as they happen.
/// </summary>
public sealed class DistKitResolverFactory(IServiceDiscovery discovery, TimeProvider? time = null) : ResolverFactory
{
    /// <summary>The URI scheme: <c>distkit</c>.</summary>
    public const string Scheme = "distkit";

    /// <inheritdoc />
    public override string Name => Scheme;

    /// <inheritdoc />
    public override Resolver Create(ResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DistKitResolver(discovery, ServiceOf(options.Address), options.DefaultPort, time ?? TimeProvider.System);
    }

    /// <summary>The service a <c>distkit:</c> address names.</summary>
    /// <exception cref="ArgumentException">The address names no valid service.</exception>
    public static string ServiceOf(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var service = address.Host.Length > 0 ? address.Host : address.AbsolutePath.Trim('/');
        ServiceNames.ThrowIfInvalid(service, nameof(address));
        return service;
    }
}
