using DistKit.Server.Composition;

namespace DistKit.Server.Settings;

/// <summary>
/// Reads <see cref="NodeSettings"/> from <c>distkit.json</c>, <c>DISTKIT_*</c> environment
/// variables and command-line flags, in that order, and validates the result.
/// </summary>
public static class NodeSettingsLoader
{
    /// <summary>The file read when no <c>--config</c> is given; missing is fine.</summary>
    public const string DefaultConfigFile = "distkit.json";

    /// <summary>Flags given on the command line; null means not given.</summary>
    public sealed record Flags
    {
        /// <summary><c>--config</c>: a settings file that must exist.</summary>
        public string? ConfigFile { get; init; }

        /// <summary><c>--urls</c>.</summary>
        public string? Urls { get; init; }

        /// <summary><c>--data-dir</c>.</summary>
        public string? DataDir { get; init; }

        /// <summary><c>--search-urls</c>: where the Elasticsearch-compatible API listens (<c>none</c>: nowhere).</summary>
        public string? SearchUrls { get; init; }
    }

    /// <summary>
    /// Loads and validates: the node's own settings here, and every capability's and engine's as the
    /// composition layer checks them when a host starts.
    /// </summary>
    /// <exception cref="SettingsException">A setting is wrong; the message is one line naming it.</exception>
    public static NodeSettings Load(Flags flags, IReadOnlyDictionary<string, string?> environment)
    {
        var settings = Read(flags, environment);
        NodeSettingsValidator.Validate(settings);
        NodeComposition.Check(settings);
        return settings;
    }

    /// <summary>
    /// Reads without checking values, for commands that use an engine directly: a bad setting they do
    /// not use must not stop them. What they use is checked where it is used, by the composition layer.
    /// </summary>
    /// <exception cref="SettingsException">The file cannot be read or parsed, or names a setting the node does not have.</exception>
    public static NodeSettings Read(Flags flags, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(environment);

        var catalog = NodeSettingsCatalog.Default;
        var configFile = flags.ConfigFile ?? Value(environment, "DISTKIT_CONFIG");
        NodeSettings settings;
        if (configFile is not null)
        {
            settings = File.Exists(configFile)
                ? SettingsFileReader.Read(configFile, catalog)
                : throw new SettingsException("config", $"file '{configFile}' does not exist");
        }
        else
        {
            settings = File.Exists(DefaultConfigFile) ? SettingsFileReader.Read(DefaultConfigFile, catalog) : NodeSettings.Default;
        }

        settings = ApplyEnvironment(settings, environment, catalog);
        if (flags.SearchUrls is { } searchUrls)
        {
            settings = settings.With(Search.SearchModule.UrlsKey, searchUrls);
        }

        return settings with
        {
            Urls = flags.Urls ?? settings.Urls,
            DataDir = flags.DataDir ?? settings.DataDir,
        };
    }

    /// <summary>Reads the process environment into the shape <see cref="Load"/> takes.</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);

    private static NodeSettings ApplyEnvironment(NodeSettings settings, IReadOnlyDictionary<string, string?> env, NodeSettingsCatalog catalog)
    {
        var distKit = new Dictionary<string, string>(settings.DistKit, StringComparer.OrdinalIgnoreCase);
        foreach (var setting in catalog.All)
        {
            if (Value(env, setting.Environment) is { } value)
            {
                distKit[setting.Key] = value;
            }
        }

        var tokens = Value(env, "DISTKIT_TOKENS") is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : settings.Tokens;

        return settings with
        {
            Urls = Value(env, "DISTKIT_URLS") ?? settings.Urls,
            DataDir = Value(env, "DISTKIT_DATA_DIR") ?? settings.DataDir,
            LogFormat = Value(env, "DISTKIT_LOG_FORMAT") ?? settings.LogFormat,
            LogLevel = Value(env, "DISTKIT_LOG_LEVEL") ?? settings.LogLevel,
            Tokens = tokens,
            DistKit = distKit,
        };
    }

    // An empty variable counts as unset, as shells make it easy to export one by accident.
    private static string? Value(IReadOnlyDictionary<string, string?> env, string name) =>
        env.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
