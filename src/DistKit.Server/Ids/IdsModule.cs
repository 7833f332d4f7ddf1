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

    public IReadOnlyList<NodeSetting> Settings { get; } =
    [
        new("Ids:Worker", "DISTKIT_ID_WORKER"),
        new("Ids:Layout", "DISTKIT_ID_LAYOUT"),
        new("Ids:ClockPolicy", "DISTKIT_ID_CLOCK_POLICY"),
        new("Ids:WorkerTtl", "DISTKIT_ID_WORKER_TTL"),
        new("Ids:Segments", "DISTKIT_ID_SEGMENTS"),
    ];

    public void AddServices(DistKitBuilder distKit)
    {
        distKit.AddIds();
        SegmentsOptions.Register(distKit);
        distKit.Services.AddSingleton<IdService>();
        distKit.Services.AddSingleton(services => new SegmentIdAllocator(
            services.GetRequiredKeyedService<ISegmentStore>(services.GetRequiredService<IOptions<SegmentsOptions>>().Value.Engine)));
    }

    public void MapRoutes(IEndpointRouteBuilder routes)
    {
        IdEndpoints.Map(routes);
        SegmentEndpoints.Map(routes);
    }

    public string EngineOf(IServiceProvider services) => services.GetRequiredService<IOptions<IdsOptions>>().Value.Engine;
}
