using DistKit.Core.Composition;
using DistKit.Ids.Composition;
using DistKit.Ids.Segments;
using DistKit.Server.Composition;
using DistKit.Server.Settings;
using Microsoft.Extensions.Options;

namespace DistKit.Server.Ids;

/// <summary>The IDs capability in the node: <c>/v1/ids</c>, <c>/v1/ids/{id}</c> and <c>/v1/segments/{key}</c>.</summary>
internal sealed class IdsModule : INodeModule
{
    public string Capability => IdsOptions.Capability;

    public void AddServices(DistKitBuilder distKit, NodeSettings settings)
    {
        distKit.AddIds();
        distKit.Services.AddSingleton<IdService>();
        distKit.Services.AddSingleton(services => new SegmentIdAllocator(services.GetRequiredKeyedService<ISegmentStore>(settings.Ids.Segments)));
    }

    public void MapRoutes(IEndpointRouteBuilder routes)
    {
        IdEndpoints.Map(routes);
        SegmentEndpoints.Map(routes);
    }

    public string EngineOf(IServiceProvider services) => services.GetRequiredService<IOptions<IdsOptions>>().Value.Engine;
}
