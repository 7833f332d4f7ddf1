using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace DistKit.Cli.Bench;

/// <summary>The JSON shape of every <c>distkit bench … --json</c>: one object, snake_case fields.</summary>
internal static class BenchJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };
}
