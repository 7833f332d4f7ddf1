namespace DistKit.Server.Settings;

/// <summary>
/// Everything a node is configured with: its own settings (addresses, data directory, tokens,
/// logging) and the DistKit section its capabilities and engines read. Built by
/// <see cref="NodeSettingsLoader"/> from <c>distkit.json</c>, then <c>DISTKIT_*</c> environment
/// variables, then command-line flags (each later source wins), and validated before the node starts.
/// </summary>
public sealed record NodeSettings
{
    private static readonly IReadOnlyDictionary<string, string> NoSettings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

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

    /// <summary>
    /// The DistKit section, keyed as an app's configuration is (<c>Engines:Redis</c>,
    /// <c>Capabilities:Locks</c>, <c>Ids:Worker</c>; any case): what the engines and capability
    /// modules read. Engine connection strings here may hold passwords; they are never logged or served.
    /// </summary>
    public IReadOnlyDictionary<string, string> DistKit { get; init; } = NoSettings;

    /// <summary>The value of <paramref name="key"/> in the DistKit section, or null when unset.</summary>
    public string? Setting(string key) => DistKit.GetValueOrDefault(key);

    /// <summary>These settings with <paramref name="key"/> set to <paramref name="value"/> (null unsets it).</summary>
    /// <exception cref="ArgumentException">This build's node has no setting <paramref name="key"/>.</exception>
    public NodeSettings With(string key, string? value)
    {
        var setting = NodeSettingsCatalog.Default.Find(key)
            ?? throw new ArgumentException($"the node has no setting '{key}'", nameof(key));
        var distKit = new Dictionary<string, string>(DistKit, StringComparer.OrdinalIgnoreCase);
        if (value is null)
        {
            distKit.Remove(setting.Key);
        }
        else
        {
            distKit[setting.Key] = value;
        }

        return this with { DistKit = distKit };
    }

    /// <summary>Whether <paramref name="engine"/> (<c>redis</c>, <c>etcd</c>, …) has a connection string.</summary>
    public bool IsConfigured(string engine) => Setting($"Engines:{engine}") is not null;

    /// <summary>The listen addresses, split and trimmed.</summary>
    public IReadOnlyList<string> UrlList =>
        Urls.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
