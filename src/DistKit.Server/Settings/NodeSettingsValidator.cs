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
}
