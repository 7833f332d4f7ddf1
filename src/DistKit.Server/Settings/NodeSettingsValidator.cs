using System.Net;

namespace DistKit.Server.Settings;

/// <summary>Checks settings before the node starts; each failure names the setting in one line.</summary>
internal static class NodeSettingsValidator
{
    private static readonly string[] LogFormats = ["text", "json"];
    private static readonly string[] LogLevels = ["trace", "debug", "information", "warning", "error", "critical", "none"];

    public static void Validate(NodeSettings settings)
    {
        var urls = ParseUrls(settings);
        if (string.IsNullOrWhiteSpace(settings.DataDir))
        {
            throw new SettingsException("dataDir", "must not be empty (flag --data-dir, env DISTKIT_DATA_DIR)");
        }

        if (!LogFormats.Contains(settings.LogFormat, StringComparer.OrdinalIgnoreCase))
        {
            throw new SettingsException("logFormat", $"'{settings.LogFormat}' is not one of: {string.Join(", ", LogFormats)} (env DISTKIT_LOG_FORMAT)");
        }

        if (!LogLevels.Contains(settings.LogLevel, StringComparer.OrdinalIgnoreCase))
        {
            throw new SettingsException("logLevel", $"'{settings.LogLevel}' is not one of: {string.Join(", ", LogLevels)} (env DISTKIT_LOG_LEVEL)");
        }

        if (settings.Tokens.Any(t => t.Length < 16))
        {
            throw new SettingsException("tokens", "every token must be at least 16 characters long, so it cannot be guessed (env DISTKIT_TOKENS)");
        }

        var exposed = urls.Where(u => !IsLoopback(u)).ToList();
        if (exposed.Count > 0 && settings.Tokens.Count == 0)
        {
            throw new SettingsException(
                "tokens",
                $"the node would listen beyond loopback ({string.Join(", ", exposed)}) without API tokens; set DISTKIT_TOKENS or 'tokens' in distkit.json, or bind to 127.0.0.1");
        }

        if (!Enum.TryParse<DistKit.Ids.ClockBackwardsPolicy>(settings.Ids.ClockPolicy, ignoreCase: true, out _))
        {
            throw new SettingsException("ids:clockPolicy", $"'{settings.Ids.ClockPolicy}' is not one of: wait, fail, logical (env DISTKIT_ID_CLOCK_POLICY)");
        }

        if (settings.Ids.Segments is not (EngineNames.Embedded or EngineNames.Postgres))
        {
            throw new SettingsException("ids:segments", $"'{settings.Ids.Segments}' is not one of: embedded, postgres (env DISTKIT_ID_SEGMENTS)");
        }

        if (settings.Ids.Segments == EngineNames.Postgres && !settings.Engines.IsConfigured(EngineNames.Postgres))
        {
            throw new SettingsException("ids:segments", "uses 'postgres' but no postgres connection is configured (env DISTKIT_POSTGRES or engines.postgres in distkit.json)");
        }

        if (settings.Ids.Worker is < 0)
        {
            throw new SettingsException("ids:worker", $"{settings.Ids.Worker} is negative; worker ids start at 0 (env DISTKIT_ID_WORKER)");
        }

        ValidateCapabilities(settings);
        if (settings.Engines.Redlock is not null && settings.Engines.RedlockInstances.Count == 0)
        {
            throw new SettingsException("engines:redlock", "lists no instances; write them separated by ';', e.g. redis-a:6379;redis-b:6379;redis-c:6379");
        }
    }

    private static List<Uri> ParseUrls(NodeSettings settings)
    {
        var list = settings.UrlList;
        if (list.Count == 0)
        {
            throw new SettingsException("urls", "no address given (flag --urls, env DISTKIT_URLS)");
        }

        var result = new List<Uri>();
        foreach (var text in list)
        {
            // Kestrel accepts '*' and '+' as "any address"; Uri does not parse them, so map them for checking only.
            var checkable = text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(checkable, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new SettingsException("urls", $"'{text}' is not an address to listen on; write it as http://HOST:PORT, e.g. {NodeSettings.DefaultUrls}");
            }

            if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
            {
                throw new SettingsException("urls", $"'{text}' has a path; write only scheme, host and port, e.g. {NodeSettings.DefaultUrls}");
            }

            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                throw new SettingsException("urls", $"'{text}' uses https, which the node does not terminate yet; put a TLS proxy in front and listen on http");
            }

            result.Add(uri);
        }

        return result;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static void ValidateCapabilities(NodeSettings settings)
    {
        foreach (var (capability, engine) in settings.CapabilityEngines)
        {
            var served = Capabilities.EnginesFor(capability);
            if (served.Count == 0)
            {
                throw new SettingsException($"capabilities:{capability}", $"no such capability; known: {string.Join(", ", Capabilities.Names)}");
            }

            if (!served.Contains(engine, StringComparer.Ordinal))
            {
                throw new SettingsException(
                    $"capabilities:{capability}",
                    $"engine '{engine}' cannot serve {capability} in this build; available: {string.Join(", ", served)}");
            }

            if (engine != EngineNames.Embedded && !settings.Engines.IsConfigured(engine))
            {
                throw new SettingsException(
                    $"capabilities:{capability}",
                    $"uses '{engine}' but no {engine} connection is configured (env DISTKIT_{engine.ToUpperInvariant()} or engines.{engine} in distkit.json)");
            }
        }
    }
}
