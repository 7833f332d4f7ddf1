using DistKit.Balancing;
using DistKit.Balancing.Discovery;
using DistKit.Server.Http;

namespace DistKit.Server.Balancing;

/// <summary><c>GET|PUT|DELETE /v1/services/{name}/endpoints</c>: the registry, for instances that cannot hold a lease themselves.</summary>
internal static class ServiceEndpoints
{
    private static readonly TimeSpan MinTtl = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxTtl = TimeSpan.FromHours(1);
    private const int MaxMetadata = 32;

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/services/{name}/endpoints", ListAsync);
        routes.MapPut("/v1/services/{name}/endpoints", PutAsync);
        routes.MapDelete("/v1/services/{name}/endpoints", DeleteAsync);
    }

    private static async Task<IResult> ListAsync(string name, NodeRegistrations registrations, HttpContext context)
    {
        CheckName(name);
        var endpoints = await registrations.Registry.ListAsync(name, context.RequestAborted);
        return TypedResults.Json(
            new ServiceEndpointList(ServiceNames.Normalize(name), registrations.Registry.Engine, [.. endpoints.Select(e => new ServiceEndpointView(e.Address, e.Weight, e.Metadata.Count == 0 ? null : new Dictionary<string, string>(e.Metadata)))]),
            ApiJsonContext.Default.ServiceEndpointList);
    }

    private static async Task<IResult> PutAsync(string name, RegisterEndpointBody? body, NodeRegistrations registrations, HttpContext context)
    {
        CheckName(name);
        if (body?.Address is not { Length: > 0 } address)
        {
            throw ApiException.InvalidArgument("address is required (http://10.0.0.7:8080 or 10.0.0.7:8080)");
        }

        if (ServiceNames.AddressProblem(address) is { } problem)
        {
            throw ApiException.InvalidArgument($"address: {problem}");
        }

        var weight = body.Weight ?? 1;
        if (weight is < 1 or > EndpointSet.MaxWeight)
        {
            throw ApiException.InvalidArgument($"weight must be 1 to {EndpointSet.MaxWeight}, got {weight}");
        }

        if (body.Metadata is { Count: > MaxMetadata })
        {
            throw ApiException.InvalidArgument($"metadata holds at most {MaxMetadata} entries");
        }

        var ttlMs = body.TtlMs ?? 10_000;
        if (ttlMs < MinTtl.TotalMilliseconds || ttlMs > MaxTtl.TotalMilliseconds)
        {
            throw ApiException.InvalidArgument($"ttl_ms must be {MinTtl.TotalMilliseconds:F0} to {MaxTtl.TotalMilliseconds:F0}, got {body.TtlMs}");
        }

        var ttl = TimeSpan.FromMilliseconds(ttlMs);

        var endpoint = new ServiceEndpoint(address, weight) { Metadata = body.Metadata ?? [] };
        var expiresAt = await registrations.PutAsync(name, endpoint, ttl, context.RequestAborted);
        return TypedResults.Json(new RegisteredEndpoint(ServiceNames.Normalize(name), address, weight, (long)ttl.TotalMilliseconds, expiresAt), ApiJsonContext.Default.RegisteredEndpoint);
    }

    private static async Task<IResult> DeleteAsync(string name, string? address, NodeRegistrations registrations, HttpContext context)
    {
        CheckName(name);
        if (address is not { Length: > 0 })
        {
            throw ApiException.InvalidArgument("address is required: DELETE /v1/services/{name}/endpoints?address=…");
        }

        return await registrations.DeleteAsync(name, address, context.RequestAborted)
            ? TypedResults.Json(new DeregisteredEndpoint(ServiceNames.Normalize(name), address), ApiJsonContext.Default.DeregisteredEndpoint)
            : throw new ApiException(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"this node holds no registration of {address} in service '{name}'");
    }

    private static void CheckName(string name)
    {
        if (ServiceNames.Problem(name) is { } problem)
        {
            throw ApiException.InvalidArgument(problem);
        }
    }
}

/// <summary>Body of <c>PUT /v1/services/{name}/endpoints</c>.</summary>
/// <param name="Address">The instance's address.</param>
/// <param name="Weight">Its weight, 1 to 10,000 (default 1).</param>
/// <param name="Metadata">Up to 32 labels (zone, version).</param>
/// <param name="TtlMs">How long it stays without another PUT, 1,000 to 3,600,000 ms (default 10,000).</param>
public sealed record RegisterEndpointBody(string? Address, int? Weight, Dictionary<string, string>? Metadata, long? TtlMs);

/// <summary>A registration made or renewed.</summary>
/// <param name="Service">The service.</param>
/// <param name="Address">The address.</param>
/// <param name="Weight">The weight.</param>
/// <param name="TtlMs">The TTL.</param>
/// <param name="ExpiresAt">When it goes without another PUT.</param>
public sealed record RegisteredEndpoint(string Service, string Address, int Weight, long TtlMs, DateTimeOffset ExpiresAt);

/// <summary>A registration removed.</summary>
/// <param name="Service">The service.</param>
/// <param name="Address">The address.</param>
public sealed record DeregisteredEndpoint(string Service, string Address);

/// <summary>A service's endpoints.</summary>
/// <param name="Service">The service.</param>
/// <param name="Engine">The registry's engine.</param>
/// <param name="Endpoints">Its endpoints, in address order.</param>
public sealed record ServiceEndpointList(string Service, string Engine, IReadOnlyList<ServiceEndpointView> Endpoints);

/// <summary>One endpoint.</summary>
/// <param name="Address">The address.</param>
/// <param name="Weight">The weight.</param>
/// <param name="Metadata">Its labels, when it has any.</param>
public sealed record ServiceEndpointView(string Address, int Weight, Dictionary<string, string>? Metadata);
