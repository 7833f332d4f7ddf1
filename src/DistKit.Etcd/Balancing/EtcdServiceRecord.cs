using System.Text.Json.Serialization;

namespace DistKit.Etcd.Balancing;

/// <summary>What a registration's key holds.</summary>
internal sealed record EtcdServiceRecord(
    [property: JsonPropertyName("address")] string Address,
    [property: JsonPropertyName("weight")] int Weight,
    [property: JsonPropertyName("metadata")] Dictionary<string, string>? Metadata);

[JsonSerializable(typeof(EtcdServiceRecord))]
internal sealed partial class EtcdServiceJsonContext : JsonSerializerContext;
