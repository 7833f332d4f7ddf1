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

    public void AddServices(DistKitBuilder distKit, NodeSettings settings)
    {
        distKit.AddLocks();
        distKit.Services.AddSingleton<NodeLockService>();
    }

    public void MapRoutes(IEndpointRouteBuilder routes) => LockEndpoints.Map(routes);

    public string EngineOf(IServiceProvider services) => services.GetRequiredService<IOptions<LocksOptions>>().Value.Engine;
}
