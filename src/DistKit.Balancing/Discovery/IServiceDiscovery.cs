namespace DistKit.Balancing.Discovery;

/// <summary>Where a service's endpoints come from: a static list, DNS, a registry.</summary>
public interface IServiceDiscovery
{
    /// <summary>
    /// The endpoints of <paramref name="service"/>: the current list first, as soon as known, then
    /// the whole list again after every change. Ends only by <paramref name="cancellationToken"/>
    /// or by throwing when the source fails (the caller keeps the last list and watches again).
    /// </summary>
    IAsyncEnumerable<IReadOnlyList<ServiceEndpoint>> WatchAsync(string service, CancellationToken cancellationToken = default);
}

/// <summary>A discovery that instances register in: each registration lives while its holder does.</summary>
public interface IServiceRegistry : IServiceDiscovery
{
    /// <summary>The engine's name (<c>embedded</c>, <c>etcd</c>).</summary>
    string Engine { get; }

    /// <summary>
    /// Registers <paramref name="endpoint"/> under <paramref name="service"/> until the handle is
    /// disposed or its holder dies: the registration is a lease of <paramref name="ttl"/> that renews
    /// itself, so a killed process vanishes from the list within the TTL.
    /// </summary>
    Task<ServiceRegistration> RegisterAsync(string service, ServiceEndpoint endpoint, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>The endpoints registered under <paramref name="service"/> now, in address order.</summary>
    Task<IReadOnlyList<ServiceEndpoint>> ListAsync(string service, CancellationToken cancellationToken = default);
}

/// <summary>A registration; dispose it to leave the service.</summary>
public abstract class ServiceRegistration : IAsyncDisposable
{
    /// <summary>The service registered in.</summary>
    public abstract string Service { get; }

    /// <summary>The endpoint registered.</summary>
    public abstract ServiceEndpoint Endpoint { get; }

    /// <summary>True while the registry lists it; a registration whose lease was lost (the engine away too long) registers again by itself.</summary>
    public abstract bool IsRegistered { get; }

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}

/// <summary>The checks every registry applies to a service name and an address.</summary>
public static class ServiceNames
{
    /// <summary>The longest address.</summary>
    public const int MaxAddressLength = 512;

    /// <summary>The name as registries store it: lower case, as URI hosts are, so <c>Orders</c> and <c>orders</c> are one service.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.ToLowerInvariant();
    }

    /// <summary>
    /// Null when <paramref name="address"/> is one a client can dial — an http(s) URL with a host,
    /// or <c>host:port</c> with a port of 1 to 65535 — else why not.
    /// </summary>
    public static string? AddressProblem(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Length > MaxAddressLength || address.Any(char.IsWhiteSpace))
        {
            return $"an address is 1 to {MaxAddressLength} characters without spaces (http://10.0.0.7:8080 or 10.0.0.7:8080)";
        }

        if (!EndpointAddress.TryParse(address, out var parsed))
        {
            return address.Contains("://", StringComparison.Ordinal)
                ? $"'{address}' is not an http or https URL with a host"
                : $"'{address}' is neither an http(s) URL nor host:port with a port of 1 to 65535";
        }

        return parsed.Scheme is null && parsed.Port < 0
            ? $"'{address}' is neither an http(s) URL nor host:port with a port of 1 to 65535"
            : null;
    }

    /// <summary>The longest service name.</summary>
    public const int MaxLength = 128;

    /// <summary>Null when <paramref name="name"/> is a valid service name, else why not.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a service name is required";
        }

        if (name.Length > MaxLength)
        {
            return $"a service name is at most {MaxLength} characters";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return $"service name '{name}' may hold only letters, digits, '-', '_' and '.'";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a valid service name.</summary>
    public static void ThrowIfInvalid(string? name, string paramName = "service")
    {
        if (Problem(name) is { } problem)
        {
            throw new ArgumentException(problem, paramName);
        }
    }
}
