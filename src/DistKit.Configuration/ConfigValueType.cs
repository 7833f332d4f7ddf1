namespace DistKit.Configuration;

/// <summary>How a value's text parses.</summary>
public enum ConfigValueType
{
    /// <summary>Any JSON value (RFC 8259).</summary>
    Json,

    /// <summary>One YAML document; read as JSON for schemas and for .NET configuration.</summary>
    Yaml,

    /// <summary>Java-style properties: <c>key=value</c> (or <c>key: value</c>) lines, <c>#</c> and <c>!</c> comments.</summary>
    Properties,

    /// <summary>Any text; taken as one JSON string.</summary>
    Text,
}

/// <summary>The wire names of <see cref="ConfigValueType"/>: <c>json</c>, <c>yaml</c>, <c>properties</c>, <c>text</c>.</summary>
public static class ConfigValueTypes
{
    /// <summary>The type's wire name.</summary>
    public static string ToWire(this ConfigValueType type) => type switch
    {
        ConfigValueType.Json => "json",
        ConfigValueType.Yaml => "yaml",
        ConfigValueType.Properties => "properties",
        ConfigValueType.Text => "text",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a value type"),
    };

    /// <summary>Reads a wire name (case-insensitive; <c>yml</c> is <c>yaml</c>).</summary>
    public static bool TryParse(string? text, out ConfigValueType type)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "json": type = ConfigValueType.Json; return true;
            case "yaml" or "yml": type = ConfigValueType.Yaml; return true;
            case "properties": type = ConfigValueType.Properties; return true;
            case "text": type = ConfigValueType.Text; return true;
            default: type = default; return false;
        }
    }
}
