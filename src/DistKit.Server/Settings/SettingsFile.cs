using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistKit.Server.Settings;

/// <summary>The shape of <c>distkit.json</c>; unknown keys are an error so typos do not pass silently.</summary>
internal sealed record SettingsFile
{
    public string? Urls { get; init; }

    public string? DataDir { get; init; }

    public string[]? Tokens { get; init; }

    public string? LogFormat { get; init; }

    public string? LogLevel { get; init; }

    public EngineSettings? Engines { get; init; }

    public IdSettings? Ids { get; init; }

    public Dictionary<string, string>? Capabilities { get; init; }

    public NodeSettings ToSettings()
    {
        var defaults = NodeSettings.Default;
        return new NodeSettings
        {
            Urls = Urls ?? defaults.Urls,
            DataDir = DataDir ?? defaults.DataDir,
            Tokens = Tokens ?? [],
            LogFormat = LogFormat ?? defaults.LogFormat,
            LogLevel = LogLevel ?? defaults.LogLevel,
            Engines = Engines ?? new EngineSettings(),
            Ids = Ids ?? new IdSettings(),
            CapabilityEngines = Capabilities ?? new Dictionary<string, string>(),
        };
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(SettingsFile))]
internal sealed partial class SettingsFileJsonContext : JsonSerializerContext;
