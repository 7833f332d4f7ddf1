using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistKit.Configuration;

/// <summary>
/// How stores keep what a gray release and its end carry (their changes, which are no key's
/// version, and the target) as JSON text: one format for every store.
/// </summary>
public static class ReleaseRecords
{
    /// <summary>The changes of a release that writes no key, as JSON.</summary>
    public static string ChangesJson(IReadOnlyList<ConfigChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return JsonSerializer.Serialize([.. changes.Select(c => new RecordedChange(c.Key, c.Type, c.Value))], ReleaseRecordJson.Default.ListRecordedChange);
    }

    /// <summary>The changes <see cref="ChangesJson"/> wrote, as the versions of a release (version 0).</summary>
    public static IReadOnlyList<KeyVersion> Changes(string json, string ns, long revision, string author, string message, DateTimeOffset time) =>
        [.. (JsonSerializer.Deserialize(json, ReleaseRecordJson.Default.ListRecordedChange) ?? [])
            .Select(c => new KeyVersion(ns, c.Key, 0, revision, c.Type, c.Value, author, message, time))];

    /// <summary>A gray target as JSON, or null.</summary>
    public static string? TargetJson(GrayTarget? target) =>
        target is null ? null : JsonSerializer.Serialize(new RecordedTarget(new Dictionary<string, string>(target.Labels), target.Percent), ReleaseRecordJson.Default.RecordedTarget);

    /// <summary>The target <see cref="TargetJson"/> wrote, or null.</summary>
    public static GrayTarget? Target(string? json) =>
        json is null ? null : JsonSerializer.Deserialize(json, ReleaseRecordJson.Default.RecordedTarget) is { } t ? new GrayTarget(t.Labels, t.Percent) : null;
}

internal sealed record RecordedChange(string Key, ConfigValueType Type, string? Value);

internal sealed record RecordedTarget(Dictionary<string, string> Labels, int? Percent);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)]
[JsonSerializable(typeof(List<RecordedChange>))]
[JsonSerializable(typeof(RecordedTarget))]
internal sealed partial class ReleaseRecordJson : JsonSerializerContext;
