using DistKit.Balancing.Composition;

namespace DistKit.Balancing.Discovery;

/// <summary>
/// Discovery as the settings say, per service: its fixed list when it has one, its DNS name when it
/// has one, else the registry. What the service balancers and the gRPC resolver both follow.
/// </summary>
public sealed class ConfiguredDiscovery : IServiceDiscovery
{
    private readonly BalancingOptions _options;
    private readonly IServiceRegistry? _registry;
    private readonly TimeProvider _time;

    /// <summary>Discovery by <paramref name="options"/>, with <paramref name="registry"/> for the services they do not list.</summary>
    public ConfiguredDiscovery(BalancingOptions options, IServiceRegistry? registry = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _registry = registry;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The source <paramref name="service"/>'s endpoints come from.</summary>
    /// <exception cref="ArgumentException">The service is not configured and there is no registry.</exception>
    public IServiceDiscovery SourceOf(string service)
    {
        ServiceNames.ThrowIfInvalid(service);
        var settings = _options.Services.GetValueOrDefault(service);
        if (settings is { Endpoints.Count: > 0 })
        {
            return new StaticDiscovery(new Dictionary<string, IReadOnlyList<ServiceEndpoint>> { [service] = settings.Endpoints });
        }

        if (settings?.Dns is { } dns && DnsTarget.TryParse(dns) is { } target)
        {
            return new DnsDiscovery(target.Host, target.Port, settings.Scheme, settings.DnsRefresh, _time);
        }

        return _registry ?? throw new ArgumentException(
            $"service '{service}' has no endpoints configured (DistKit:Balancing:Services:{service}:Endpoints or :Dns) and no registry is registered", nameof(service));
    }

    /// <inheritdoc />
    public IAsyncEnumerable<IReadOnlyList<ServiceEndpoint>> WatchAsync(string service, CancellationToken cancellationToken = default) =>
        SourceOf(service).WatchAsync(service, cancellationToken);
}
