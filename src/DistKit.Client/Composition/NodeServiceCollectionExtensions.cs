using DistKit.Client;
using DistKit.Client.Composition;
using DistKit.Client.Locks;
using DistKit.Core.Composition;
using DistKit.Locks;
using DistKit.Locks.Composition;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a DistKit node as an engine: <c>services.AddDistKit(configuration).AddNode().AddLocks()</c>.</summary>
public static class NodeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="NodeClient"/> for the node at <c>DistKit:Engines:Node</c>, and its locks
    /// as the <c>node</c> engine of the locks capability (<c>DistKit:Capabilities:Locks = node</c>):
    /// for processes that reach the node but not its engines, or that are not .NET-hosted apps of their own.
    /// </summary>
    public static DistKitBuilder AddNode(this DistKitBuilder builder, Action<NodeEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = builder.Services.AddOptions<NodeEngineOptions>().Configure(node =>
        {
            var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(NodeEngineOptions));
            if (settings.Text("Engines:Node") is { } url)
            {
                node.Url = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                    ? uri
                    : throw settings.Error("Engines:Node", $"'{url}' is not a node address; write it as http://host:7070");
            }

            node.Token = settings.Text("Engines:NodeToken") ?? node.Token;
        });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Engines.Add(LocksOptions.Capability, NodeClient.Engine, services =>
            services.GetRequiredService<IOptions<NodeEngineOptions>>().Value.Url is null
                ? $"{builder.PathOf("Engines:Node")} is not set (the node's address, such as http://127.0.0.1:7070)"
                : null);
        builder.Services.AddSingleton(services =>
        {
            var node = services.GetRequiredService<IOptions<NodeEngineOptions>>().Value;
            return new NodeClient(node.Url ?? throw new InvalidOperationException($"no node address is configured ({builder.PathOf("Engines:Node")})"), node.Token, timeout: node.Timeout);
        });
        builder.Services.AddKeyedSingleton<IDistributedLockProvider>(NodeClient.Engine, (services, _) =>
            new NodeLockProvider(services.GetRequiredService<NodeClient>(), services.GetRequiredService<IOptions<LocksOptions>>().Value.Lease));
        return builder;
    }
}
