using System.Text.Json.Serialization;
using DistKit.Configuration;

namespace DistKit.Etcd.Configuration;

/// <summary>A key's current state under <c>e/</c>: its value (null once deleted) and version.</summary>
internal sealed record EtcdEntry(ConfigValueType Type, string? Value, long Version, long Revision, string Author, long Updated);

/// <summary>One version of a key under <c>h/</c>, kept whatever etcd compacts.</summary>
internal sealed record EtcdVersion(ConfigValueType Type, string? Value, long Revision, string Author, string Message, long Time);

/// <summary>A release under <c>r/</c> (and <c>n/</c> by namespace), with the versions it wrote.</summary>
internal sealed record EtcdRelease(string Ns, ReleaseKind Kind, string Author, string Message, long Time, IReadOnlyList<EtcdChange> Changes, string? Target = null);

/// <summary>One version a release wrote.</summary>
internal sealed record EtcdChange(string Key, long Version, ConfigValueType Type, string? Value);

/// <summary>A staged change under <c>d/</c>; its sequence is the key's etcd mod revision.</summary>
internal sealed record EtcdDraft(ConfigValueType Type, string? Value, long? Expected, string Author, long Staged);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)]
[JsonSerializable(typeof(EtcdEntry))]
[JsonSerializable(typeof(EtcdVersion))]
[JsonSerializable(typeof(EtcdRelease))]
[JsonSerializable(typeof(EtcdDraft))]
internal sealed partial class EtcdConfigJson : JsonSerializerContext;
