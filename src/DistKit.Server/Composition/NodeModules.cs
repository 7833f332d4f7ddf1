using DistKit.Server.Balancing;
using DistKit.Server.Configuration;
using DistKit.Server.Ids;
using DistKit.Server.Jobs;
using DistKit.Server.Locks;
using DistKit.Server.Search;

namespace DistKit.Server.Composition;

/// <summary>The capability modules the node serves: the one list a new capability adds its module to.</summary>
internal static class NodeModules
{
    public static IReadOnlyList<INodeModule> All { get; } = [new IdsModule(), new LocksModule(), new JobsModule(), new ConfigModule(), new BalancingModule(), new SearchModule()];
}
