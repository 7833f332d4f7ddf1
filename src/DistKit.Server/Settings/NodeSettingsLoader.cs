using System.Text.Json;

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
    }

    /// <summary>Loads and validates; throws <see cref="SettingsException"/> with one line on any problem.</summary>
    public static NodeSettings Load(Flags flags, IReadOnlyDictionary<string, string?> environment)
    {
        var settings = Read(flags, environment);
        NodeSettingsValidator.Validate(settings);
        return settings;
    }

    /// <summary>
    /// Reads without checking the node's own settings (addresses, tokens, logging), for commands
    /// that use an engine directly: a bad setting they do not use must not stop them. What they use
    /// is checked where it is used, by the composition layer.
    /// </summary>
    /// <exception cref="SettingsException">The file cannot be read or parsed, or a value has the wrong form.</exception>
    public static NodeSettings Read(Flags flags, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(flags);
        ArgumentNullException.ThrowIfNull(environment);

        var configFile = flags.ConfigFile ?? Value(environment, "DISTKIT_CONFIG");
        var settings = configFile is not null
            ? ReadFile(configFile, mustExist: true)
            : ReadFile(DefaultConfigFile, mustExist: false);

        settings = ApplyEnvironment(settings, environment);
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

    private static NodeSettings ReadFile(string path, bool mustExist)
    {
        if (!File.Exists(path))
        {
            return mustExist
                ? throw new SettingsException("config", $"file '{path}' does not exist")
                : NodeSettings.Default;
        }

        try
        {
            using var stream = File.OpenRead(path);
            var file = JsonSerializer.Deserialize(stream, SettingsFileJsonContext.Default.SettingsFile)
                ?? throw new SettingsException("config", $"file '{path}' holds null, expected an object");
            return file.ToSettings();
        }
        catch (JsonException e)
        {
            throw new SettingsException("config", $"file '{path}': {DescribeJsonError(e)}");
        }
        catch (IOException e)
        {
            throw new SettingsException("config", $"file '{path}' cannot be read: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SettingsException("config", $"file '{path}' cannot be read: {e.Message}");
        }
    }

    private static NodeSettings ApplyEnvironment(NodeSettings settings, IReadOnlyDictionary<string, string?> env)
    {
        var engines = settings.Engines with
        {
            Redis = Value(env, "DISTKIT_REDIS") ?? settings.Engines.Redis,
            Redlock = Value(env, "DISTKIT_REDLOCK") ?? settings.Engines.Redlock,
            Etcd = Value(env, "DISTKIT_ETCD") ?? settings.Engines.Etcd,
            Postgres = Value(env, "DISTKIT_POSTGRES") ?? settings.Engines.Postgres,
            Nats = Value(env, "DISTKIT_NATS") ?? settings.Engines.Nats,
            ZooKeeper = Value(env, "DISTKIT_ZOOKEEPER") ?? settings.Engines.ZooKeeper,
            Elasticsearch = Value(env, "DISTKIT_ELASTICSEARCH") ?? settings.Engines.Elasticsearch,
        };

        var capabilityEngines = new Dictionary<string, string>(settings.CapabilityEngines, StringComparer.Ordinal);
        foreach (var capability in Capabilities.Names)
        {
            if (Value(env, $"DISTKIT_{capability.ToUpperInvariant()}_ENGINE") is { } engine)
            {
                capabilityEngines[capability] = engine;
            }
        }

        var tokens = Value(env, "DISTKIT_TOKENS") is { } list
            ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : settings.Tokens;

        var ids = settings.Ids with
        {
            Worker = Value(env, "DISTKIT_ID_WORKER") is { } worker
                ? long.TryParse(worker, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : throw new SettingsException("ids:worker", $"DISTKIT_ID_WORKER='{worker}' is not a worker id (a whole number from 0)")
                : settings.Ids.Worker,
            ClockPolicy = Value(env, "DISTKIT_ID_CLOCK_POLICY") ?? settings.Ids.ClockPolicy,
            Segments = Value(env, "DISTKIT_ID_SEGMENTS") ?? settings.Ids.Segments,
        };

        return settings with
        {
            Ids = ids,
            Urls = Value(env, "DISTKIT_URLS") ?? settings.Urls,
            DataDir = Value(env, "DISTKIT_DATA_DIR") ?? settings.DataDir,
            LogFormat = Value(env, "DISTKIT_LOG_FORMAT") ?? settings.LogFormat,
            LogLevel = Value(env, "DISTKIT_LOG_LEVEL") ?? settings.LogLevel,
            Tokens = tokens,
            Engines = engines,
            CapabilityEngines = capabilityEngines,
        };
    }

    // An empty variable counts as unset, as shells make it easy to export one by accident.
    private static string? Value(IReadOnlyDictionary<string, string?> env, string name) =>
        env.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    // System.Text.Json's messages name .NET types; users wrote JSON, so speak of keys and lines.
    private static string DescribeJsonError(JsonException e)
    {
        var line = e.LineNumber is { } n ? $" (line {n + 1})" : "";
        var key = e.Path is { Length: > 2 } p ? p[2..] : null;
        if (key is not null && e.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return $"unknown setting '{key}'{line}; known: urls, dataDir, tokens, logFormat, logLevel, engines, capabilities, ids";
        }

        return key is not null && e.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? $"setting '{key}' has the wrong type{line}"
            : $"not valid JSON{line}";
    }
}
