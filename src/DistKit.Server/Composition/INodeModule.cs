using DistKit.Core.Composition;
using DistKit.Server.Settings;

namespace DistKit.Server.Composition;

/// <summary>
/// One capability as the node serves it: the capability's registration on the composition layer,
/// the node's own services for it, its routes under <c>/v1</c>, and what <c>/v1/info</c> says of it.
/// A module lives in its capability's folder; adding one touches only <see cref="NodeModules.All"/>.
/// </summary>
internal interface INodeModule
{
    /// <summary>The capability's name in settings and in <c>/v1/info</c>.</summary>
    string Capability { get; }

    /// <summary>Registers the capability (<c>AddLocks()</c>, …) and the node's services for it.</summary>
    void AddServices(DistKitBuilder distKit, NodeSettings settings);

    /// <summary>Maps the capability's routes.</summary>
    void MapRoutes(IEndpointRouteBuilder routes);

    /// <summary>The engine serving the capability in this node.</summary>
    string EngineOf(IServiceProvider services);
}
