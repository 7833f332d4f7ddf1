using System.Text.Json.Serialization;

namespace DistKit.Client.Internal;

// The bodies of /v1/locks, as the node reads and writes them (snake_case).
internal sealed record AcquireBody(long TtlMs, long WaitMs);

internal sealed record TokenBody(string Token, long? TtlMs);

internal sealed record LockGrant(string Token, long FencingToken, DateTimeOffset ExpiresAt);

internal sealed record LockReleased(bool Released);

internal sealed record IdList(string[] Ids);

/// <summary>JSON contracts made at build time, so the client works in natively compiled apps.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(AcquireBody))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(LockGrant))]
[JsonSerializable(typeof(LockReleased))]
[JsonSerializable(typeof(IdList))]
[JsonSerializable(typeof(NodeInfo))]
[JsonSerializable(typeof(NodeHealth))]
[JsonSerializable(typeof(NodeJob))]
[JsonSerializable(typeof(NodeJobList))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
