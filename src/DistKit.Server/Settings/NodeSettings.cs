namespace DistKit.Server.Settings;

/// <summary>
/// Everything a node is configured with. Built by <see cref="NodeSettingsLoader"/> from
/// <c>distkit.json</c>, then <c>DISTKIT_*</c> environment variables, then command-line flags
/// (each later source wins), and validated before the node starts.
/// </summary>
public sealed record NodeSettings
{
    /// <summary>Default listen address: loopback only, so a first run exposes nothing.</summary>
    public const string DefaultUrls = "http://127.0.0.1:7070";

    /// <summary>Settings with every default: loopback, <c>./data</c>, embedded engines.</summary>
    public static NodeSettings Default { get; } = new();

    /// <summary>
    /// Addresses to listen on, separated by <c>;</c> or <c>,</c>. Env: <c>DISTKIT_URLS</c>.
    /// Flag: <c>--urls</c>. Default: <c>http://127.0.0.1:7070</c>.
    /// </summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>Where embedded engines keep their files. Env: <c>DISTKIT_DATA_DIR</c>. Flag: <c>--data-dir</c>. Default: <c>./data</c>.</summary>
    public string DataDir { get; init; } = "./data";

    /// <summary>
    /// API tokens; when any is set every <c>/v1</c> request must carry one as
    /// <c>Authorization: Bearer …</c>. Required when listening beyond loopback.
    /// Env: <c>DISTKIT_TOKENS</c> (comma-separated). Default: none.
    /// </summary>
    public IReadOnlyList<string> Tokens { get; init; } = [];

    /// <summary>Console log format, <c>text</c> or <c>json</c>. Env: <c>DISTKIT_LOG_FORMAT</c>. Default: <c>text</c>.</summary>
    public string LogFormat { get; init; } = "text";

    /// <summary>Least severe level logged: trace, debug, information, warning, error. Env: <c>DISTKIT_LOG_LEVEL</c>. Default: <c>information</c>.</summary>
    public string LogLevel { get; init; } = "information";

    /// <summary>How the node issues ids. Default: a worker id persisted in the data directory, clock policy <c>wait</c>.</summary>
    public IdSettings Ids { get; init; } = new();

    /// <summary>Engine connection strings. Default: none.</summary>
    public EngineSettings Engines { get; init; } = new();

    /// <summary>
    /// Which engine serves each capability, by capability name. Env:
    /// <c>DISTKIT_&lt;CAPABILITY&gt;_ENGINE</c>. Default: <c>embedded</c> for each.
    /// </summary>
    public IReadOnlyDictionary<string, string> CapabilityEngines { get; init; } = new Dictionary<string, string>();

    /// <summary>The engine that serves <paramref name="capability"/>.</summary>
    public string EngineFor(string capability) =>
        CapabilityEngines.TryGetValue(capability, out var engine) ? engine : EngineNames.Embedded;

    /// <summary>The listen addresses, split and trimmed.</summary>
    public IReadOnlyList<string> UrlList =>
        Urls.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
