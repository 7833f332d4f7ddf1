namespace DistKit.Client;

/// <summary>What <c>GET /v1/info</c> answers: the node, and the engine behind each capability it serves.</summary>
/// <param name="Name">Always <c>distkit</c>.</param>
/// <param name="Version">The node's version.</param>
/// <param name="DataDir">The node's absolute data directory.</param>
/// <param name="Capabilities">The engine serving each capability, by capability name.</param>
/// <param name="Engines">Which engines have a connection configured, by engine name.</param>
/// <param name="TokensRequired">Whether <c>/v1</c> requests need a token.</param>
public sealed record NodeInfo(
    string Name,
    string Version,
    string DataDir,
    IReadOnlyDictionary<string, string> Capabilities,
    IReadOnlyDictionary<string, bool> Engines,
    bool TokensRequired);

/// <summary>What <c>GET /healthz</c> answers.</summary>
/// <param name="Status">Always <c>ok</c> while the node serves requests.</param>
public sealed record NodeHealth(string Status);
