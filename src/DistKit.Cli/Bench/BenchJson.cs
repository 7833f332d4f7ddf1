using System.Text.Json;

namespace DistKit.Cli.Bench;

/// <summary>The JSON shape of every <c>distkit bench … --json</c>: one object, snake_case fields.</summary>
internal static class BenchJson
{
    public static JsonSerializerOptions Options => Conventions.CliJsonContext.Default.Options;
}
