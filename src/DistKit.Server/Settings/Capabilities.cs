namespace DistKit.Server.Settings;

/// <summary>
/// The seven capabilities and the engines this build can serve each one with. An engine joins a
/// capability's list when its adapter lands, so settings can never select something unbuilt.
/// </summary>
public static class Capabilities
{
    /// <summary>Capability names, as used in settings (<c>capabilities:ids</c>) and <c>/v1/info</c>.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["ids", "locks", "scheduling", "search", "balancing", "configuration", "crawling"];

    private static readonly Dictionary<string, string[]> Served = Names.ToDictionary(
        name => name,
        name => name switch
        {
            // For ids the engine leases the worker ids; the ids themselves never leave the process.
            "ids" => new[] { EngineNames.Embedded, EngineNames.Redis, EngineNames.Etcd, EngineNames.Postgres },
            "locks" => [EngineNames.Embedded, EngineNames.Redis, EngineNames.Redlock, EngineNames.Etcd, EngineNames.Postgres],
            _ => [EngineNames.Embedded],
        },
        StringComparer.Ordinal);

    /// <summary>The engines that can serve <paramref name="capability"/> in this build.</summary>
    public static IReadOnlyList<string> EnginesFor(string capability) =>
        Served.TryGetValue(capability, out var engines) ? engines : [];
}
