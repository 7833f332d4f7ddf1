using Microsoft.Extensions.Logging;

namespace DistKit.Configuration.Provider;

/// <summary>What <c>builder.Configuration.AddDistKit(o => …)</c> loads, from where, and where it keeps its disk copy.</summary>
public sealed class DistKitConfigurationOptions
{
    /// <summary>The node serving the namespace. Default: <c>DISTKIT_NODE</c>, else <c>http://127.0.0.1:7070</c>.</summary>
    public Uri Node { get; set; } = new(Environment.GetEnvironmentVariable("DISTKIT_NODE") is { Length: > 0 } node ? node : "http://127.0.0.1:7070");

    /// <summary>The namespace to load (<c>shop/prod</c>). Required.</summary>
    public string Namespace { get; set; } = "";

    /// <summary>Only the keys starting with this, when set.</summary>
    public string? Prefix { get; set; }

    /// <summary>The API token, when the node requires one. Default: <c>DISTKIT_TOKEN</c>.</summary>
    public string? Token { get; set; } = Environment.GetEnvironmentVariable("DISTKIT_TOKEN") is { Length: > 0 } token ? token : null;

    /// <summary>
    /// Where the disk copy of the last configuration applied is kept, one file per namespace; the
    /// app starts from it when the node is unreachable. Null turns the copy off. Default:
    /// <c>.distkit-config</c> under the app's base directory.
    /// </summary>
    public string? CacheDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, ".distkit-config");

    /// <summary>This client's id in the node's list of clients (stable across restarts, such as the pod name). Default: the host name and process id.</summary>
    public string ClientId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>This client's labels (<c>zone=eu</c>), reported to the node.</summary>
    public IDictionary<string, string> Labels { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How long the first load waits for the node before starting from the disk copy. Default: 5 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>When true, an app with neither the node nor a disk copy starts with the namespace empty instead of failing. Default: false.</summary>
    public bool Optional { get; set; }

    /// <summary>Whether a release is checked against the namespace's schemas before it is applied (a failing one is not applied). Default: true.</summary>
    public bool Validate { get; set; } = true;

    /// <summary>Where warnings go (node unreachable, disk copy ignored, release refused). Default: nowhere.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>The clock for retries. Default: the system clock.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>The HTTP handler to reach the node through (tests, proxies). Default: a new <see cref="SocketsHttpHandler"/>.</summary>
    public HttpMessageHandler? Handler { get; set; }

    internal void Check()
    {
        ConfigNames.CheckNamespace(Namespace);
        ArgumentNullException.ThrowIfNull(Node);
        if (Node.Scheme != Uri.UriSchemeHttp && Node.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Node: '{Node}' is not an http or https address", nameof(Node));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(StartupTimeout, TimeSpan.Zero);
    }
}
