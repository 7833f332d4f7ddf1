using DistKit.Balancing.Services;

namespace DistKit.Balancing.Composition;

/// <summary>The balancing capability's settings: <c>DistKit:Balancing</c>, with the registry engine at <c>DistKit:Capabilities:Balancing</c>.</summary>
public sealed class BalancingOptions
{
    /// <summary>The capability's name in <c>DistKit:Capabilities</c>.</summary>
    public const string Capability = "balancing";

    /// <summary>The registry's engine: <c>embedded</c> (in this process) or <c>etcd</c>.</summary>
    public string Engine { get; set; } = "embedded";

    /// <summary>How every service is balanced unless its own settings say otherwise.</summary>
    public ServiceBalancingOptions Defaults { get; set; } = new();

    /// <summary>The services by name, without case (the host of their logical URLs: <c>http://orders/…</c>, which URIs lower-case).</summary>
    public Dictionary<string, ServiceSettings> Services { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long a first call waits for discovery's first answer. Default 10 s.</summary>
    public TimeSpan DiscoveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Defaults.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DiscoveryTimeout, TimeSpan.Zero, nameof(DiscoveryTimeout));
        foreach (var (name, service) in Services)
        {
            if (Discovery.ServiceNames.Problem(name) is { } problem)
            {
                throw new ArgumentOutOfRangeException("Services", name, problem);
            }

            service.Validate(name);
        }
    }
}

/// <summary>One service's settings: where its endpoints come from and, optionally, its own policy.</summary>
public sealed class ServiceSettings
{
    /// <summary>The policy, when not the default one.</summary>
    public string? Policy { get; set; }

    /// <summary>A fixed list of endpoints; when set, neither DNS nor the registry is asked.</summary>
    public List<ServiceEndpoint> Endpoints { get; } = [];

    /// <summary>A DNS name and port (<c>orders.internal:8080</c>) resolved again every <see cref="DnsRefresh"/>.</summary>
    public string? Dns { get; set; }

    /// <summary>The scheme DNS endpoints get. Default <c>http</c>.</summary>
    public string Scheme { get; set; } = "http";

    /// <summary>How often the DNS name is resolved again. Default 30 s.</summary>
    public TimeSpan DnsRefresh { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate(string service)
    {
        if (Policy is not null && !Policies.BalancingPolicies.IsKnown(Policy))
        {
            throw new ArgumentOutOfRangeException($"Services:{service}:Policy", Policy, $"not a balancing policy; use one of {string.Join(", ", Policies.BalancingPolicies.All)}");
        }

        if (Endpoints.Count > 0 && Dns is not null)
        {
            throw new ArgumentOutOfRangeException($"Services:{service}:Dns", Dns, "a service takes its endpoints from a list or from DNS, not both");
        }

        if (Endpoints.Count > 0)
        {
            try
            {
                _ = new EndpointSet(Endpoints);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentOutOfRangeException($"Services:{service}:Endpoints", e.Message.Split(" (Parameter")[0]);
            }
        }

        if (Dns is not null && DnsTarget.TryParse(Dns) is null)
        {
            throw new ArgumentOutOfRangeException($"Services:{service}:Dns", Dns, "write it as host:port (orders.internal:8080)");
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(DnsRefresh, TimeSpan.Zero, $"Services:{service}:DnsRefresh");
    }
}

/// <summary>A DNS name and port.</summary>
internal sealed record DnsTarget(string Host, int Port)
{
    public static DnsTarget? TryParse(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text.AsSpan(colon + 1), out var port) && port is >= 1 and <= 65535
            ? new DnsTarget(text[..colon], port)
            : null;
    }
}
