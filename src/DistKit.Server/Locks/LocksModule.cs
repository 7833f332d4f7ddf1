using DistKit.Core.Composition;
using DistKit.Locks.Composition;
using DistKit.Server.Composition;
using DistKit.Server.Settings;
using Microsoft.Extensions.Options;

namespace DistKit.Server.Locks;

/// <summary>The locks capability in the node: <c>/v1/locks/{name}:acquire|renew|release</c>.</summary>
internal sealed class LocksModule : INodeModule
{
    public string Capability => LocksOptions.Capability;

    // The engine's own lease behind each lock; a client's hold on the node has its own TTL per request.
    public IReadOnlyList<NodeSetting> Settings { get; } =
    [
        new("Locks:Ttl", "DISTKIT_LOCKS_TTL"),
        new("Locks:RenewEvery", "DISTKIT_LOCKS_RENEW_EVERY"),
    ];

    public void AddServices(DistKitBuilder distKit)
    {
        distKit.AddLocks();
        distKit.Services.AddSingleton<NodeLockService>();
    }

    public void MapRoutes(IEndpointRouteBuilder routes) => LockEndpoints.Map(routes);

    public string EngineOf(IServiceProvider services) => services.GetRequiredService<IOptions<LocksOptions>>().Value.Engine;
}
