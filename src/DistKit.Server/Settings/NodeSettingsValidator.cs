using System.Net;

namespace DistKit.Server.Settings;

/// <summary>
/// Checks the node's own settings before it starts; each failure names the setting in one line.
/// (Capabilities and engines check theirs through the composition layer: <see cref="Composition.NodeComposition.Check"/>.)
/// </summary>
internal static class NodeSettingsValidator
{
    private static readonly string[] LogFormats = ["text", "json"];
    private static readonly string[] LogLevels = ["trace", "debug", "information", "warning", "error", "critical", "none"];

    public static void Validate(NodeSettings settings)
    {
        var urls = ParseUrls(settings.UrlList, "urls", "flag --urls, env DISTKIT_URLS", NodeSettings.DefaultUrls);
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

        RequireTokensBeyondLoopback(urls, settings);
        if (Search.SearchModule.UrlsOf(settings) is { Count: > 0 } searchUrls)
        {
            RequireTokensBeyondLoopback(
                ParseUrls(searchUrls, Search.SearchModule.UrlsKey, "flag --search-urls, env DISTKIT_SEARCH_URLS; 'none' turns it off", Search.SearchModule.DefaultUrls),
                settings);
        }
    }

    /// <summary>Refuses to listen beyond loopback without tokens: anyone who can reach the port could write.</summary>
    public static void RequireTokensBeyondLoopback(IEnumerable<Uri> urls, NodeSettings settings)
    {
        var exposed = urls.Where(u => !IsLoopback(u)).ToList();
        if (exposed.Count > 0 && settings.Tokens.Count == 0)
        {
            throw new SettingsException(
                "tokens",
                $"the node would listen beyond loopback ({string.Join(", ", exposed)}) without API tokens; set DISTKIT_TOKENS or 'tokens' in distkit.json, or bind to 127.0.0.1");
        }
    }

    /// <summary>Checks a list of listen addresses; <paramref name="setting"/> and <paramref name="where"/> name it in failures.</summary>
    public static List<Uri> ParseUrls(IReadOnlyList<string> list, string setting, string where, string example)
    {
        if (list.Count == 0)
        {
            throw new SettingsException(setting, $"no address given ({where})");
        }

        var result = new List<Uri>();
        foreach (var text in list)
        {
            // Kestrel accepts '*' and '+' as "any address"; Uri does not parse them, so map them for checking only.
            var checkable = text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(checkable, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new SettingsException(setting, $"'{text}' is not an address to listen on; write it as http://HOST:PORT, e.g. {example}");
            }

            if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
            {
                throw new SettingsException(setting, $"'{text}' has a path; write only scheme, host and port, e.g. {example}");
            }

            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                throw new SettingsException(setting, $"'{text}' uses https, which the node does not terminate yet; put a TLS proxy in front and listen on http");
            }

            result.Add(uri);
        }

        return result;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
