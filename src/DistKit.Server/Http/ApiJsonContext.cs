using System.Text.Json.Serialization;

namespace DistKit.Server.Http;

/// <summary>Source-generated JSON for the node's own responses: snake_case, as DESIGN.md's API uses.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(Endpoints.NodeInfo))]
[JsonSerializable(typeof(Endpoints.HealthStatus))]
[JsonSerializable(typeof(Ids.DecodedId))]
[JsonSerializable(typeof(Locks.AcquireRequest))]
[JsonSerializable(typeof(Locks.TokenRequest))]
[JsonSerializable(typeof(Locks.LockGrant))]
[JsonSerializable(typeof(Locks.LockReleased))]
[JsonSerializable(typeof(Jobs.ScheduleJobBody))]
[JsonSerializable(typeof(Jobs.JobView))]
[JsonSerializable(typeof(Jobs.JobList))]
[JsonSerializable(typeof(Jobs.ShardsView))]
[JsonSerializable(typeof(Balancing.RegisterEndpointBody))]
[JsonSerializable(typeof(Balancing.RegisteredEndpoint))]
[JsonSerializable(typeof(Balancing.DeregisteredEndpoint))]
[JsonSerializable(typeof(Balancing.ServiceEndpointList))]
[JsonSerializable(typeof(string))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
