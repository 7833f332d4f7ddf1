using DistKit.Server.Composition;
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

        // Read once the host is built: which engine each capability uses is settled by its options.
        var info = new Lazy<NodeInfo>(() => new NodeInfo(
            Name: "distkit",
            Version: NodeVersion.Current,
            DataDir: dataDir,
            Capabilities: NodeModules.All.ToDictionary(m => m.Capability, m => m.EngineOf(routes.ServiceProvider), StringComparer.Ordinal),
            // The engines some capability of this build can use, as the engine packages registered them.
            Engines: routes.ServiceProvider.GetRequiredService<Core.Composition.EngineCatalog>().Engines
                .Where(e => e != Core.Composition.DistKitBuilder.Embedded)
                .ToDictionary(e => e, settings.IsConfigured, StringComparer.Ordinal),
            TokensRequired: settings.Tokens.Count > 0));
        routes.MapGet("/v1/info", () => TypedResults.Json(info.Value, ApiJsonContext.Default.NodeInfo));
    }
}
