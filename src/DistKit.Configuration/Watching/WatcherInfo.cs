namespace DistKit.Configuration.Watching;

/// <summary>Who a watcher says it is: reported by clients, listed by <c>GET /v1/config/clients</c>.</summary>
/// <param name="Client">The client's id (stable across its restarts, such as the pod name), or empty when it gave none.</param>
/// <param name="Host">The host it runs on, or empty.</param>
/// <param name="Labels">Its labels (<c>zone=eu</c>, <c>canary=true</c>).</param>
/// <param name="Connected">When the watch began.</param>
public sealed record WatcherInfo(string Client, string Host, IReadOnlyDictionary<string, string> Labels, DateTimeOffset Connected)
{
    /// <summary>
    /// Reads labels written <c>name=value,name=value</c> (as the watch query and the CLI take them);
    /// false with the offending pair when one is not name=value or names a label twice.
    /// </summary>
    public static bool TryParseLabels(string? text, out Dictionary<string, string> labels, out string? badPair)
    {
        labels = new Dictionary<string, string>(StringComparer.Ordinal);
        badPair = null;
        foreach (var pair in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var split = pair.IndexOf('=', StringComparison.Ordinal);
            if (split <= 0 || !labels.TryAdd(pair[..split], pair[(split + 1)..]))
            {
                badPair = pair;
                return false;
            }
        }

        return true;
    }

    /// <summary>Labels as <see cref="TryParseLabels"/> reads them, or null when there are none.</summary>
    public static string? FormatLabels(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return labels.Count == 0 ? null : string.Join(',', labels.Select(l => $"{l.Key}={l.Value}"));
    }

    /// <summary>A watcher that said nothing of itself.</summary>
    public static WatcherInfo Anonymous(DateTimeOffset connected) => new("", "", new Dictionary<string, string>(), connected);
}
