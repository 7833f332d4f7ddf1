using DistKit.Server.Http;
using DistKit.Server.Settings;

namespace DistKit.Server.Endpoints;

/// <summary>The node's own endpoints: liveness and what the node is.</summary>
internal static class NodeEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, NodeSettings settings, string dataDir)
    {
        var health = new HealthStatus("ok");
        routes.MapGet("/healthz", () => TypedResults.Json(health, ApiJsonContext.Default.HealthStatus));

        var info = new NodeInfo(
            Name: "distkit",
            Version: NodeVersion.Current,
            DataDir: dataDir,
            Capabilities: Capabilities.Names.ToDictionary(c => c, settings.EngineFor, StringComparer.Ordinal),
            Engines: EngineNames.External.ToDictionary(e => e, settings.Engines.IsConfigured, StringComparer.Ordinal),
            TokensRequired: settings.Tokens.Count > 0);
        routes.MapGet("/v1/info", () => TypedResults.Json(info, ApiJsonContext.Default.NodeInfo));
    }
}
