using DistKit.Core.Composition;
using DistKit.Server.Settings;

namespace DistKit.Server.Composition;

/// <summary>
/// One capability as the node serves it: the settings it reads (its section of the DistKit
/// configuration, with their environment names), the capability's registration on the composition
/// layer and the node's own services for it (which check those settings at start), its routes under
/// <c>/v1</c>, and what <c>/v1/info</c> says of it. A module lives in its capability's folder;
/// adding one touches only <see cref="NodeModules.All"/>.
/// </summary>
internal interface INodeModule
{
    /// <summary>The capability's name in settings (<c>Capabilities:Locks</c>) and in <c>/v1/info</c>.</summary>
    string Capability { get; }

    /// <summary>
    /// The keys of the capability's section that the node accepts (<c>Locks:Ttl</c>, …). The engine
    /// choice, <c>Capabilities:&lt;capability&gt;</c> (env <c>DISTKIT_&lt;CAPABILITY&gt;_ENGINE</c>), comes with every module.
    /// </summary>
    IReadOnlyList<NodeSetting> Settings { get; }

    /// <summary>
    /// Registers the capability (<c>AddLocks()</c>, …) and the node's services for it. Anything read
    /// from settings is validated on start, so a bad value stops the node naming its key.
    /// </summary>
    void AddServices(DistKitBuilder distKit);

    /// <summary>Maps the capability's routes.</summary>
    void MapRoutes(IEndpointRouteBuilder routes);

    /// <summary>The engine serving the capability in this node.</summary>
    string EngineOf(IServiceProvider services);
}
