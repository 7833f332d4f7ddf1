using DistKit.Balancing.Composition;
using DistKit.Core.Composition;
using DistKit.Server.Composition;
using DistKit.Server.Settings;
using Microsoft.Extensions.Options;

namespace DistKit.Server.Balancing;

/// <summary>The node's service registry: <c>/v1/services/{name}/endpoints</c>, in this process or on etcd.</summary>
internal sealed class BalancingModule : INodeModule
{
    public string Capability => BalancingOptions.Capability;

    public IReadOnlyList<NodeSetting> Settings { get; } = [];

    public void AddServices(DistKitBuilder distKit)
    {
        distKit.AddBalancing();
        distKit.Services.AddSingleton<NodeRegistrations>();
    }

    public void MapRoutes(IEndpointRouteBuilder routes) => ServiceEndpoints.Map(routes);

    public string EngineOf(IServiceProvider services) => services.GetRequiredService<IOptions<BalancingOptions>>().Value.Engine;
}
