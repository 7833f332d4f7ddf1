namespace DistKit.Configuration.Watching;

/// <summary>Who a watcher says it is: reported by clients, listed by <c>GET /v1/config/clients</c>.</summary>
/// <param name="Client">The client's id (stable across its restarts, such as the pod name), or empty when it gave none.</param>
/// <param name="Host">The host it runs on, or empty.</param>
/// <param name="Labels">Its labels (<c>zone=eu</c>, <c>canary=true</c>).</param>
/// <param name="Connected">When the watch began.</param>
public sealed record WatcherInfo(string Client, string Host, IReadOnlyDictionary<string, string> Labels, DateTimeOffset Connected)
{
    /// <summary>A watcher that said nothing of itself.</summary>
    public static WatcherInfo Anonymous(DateTimeOffset connected) => new("", "", new Dictionary<string, string>(), connected);
}
