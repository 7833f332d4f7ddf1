using DistKit.Core.Composition;
using DistKit.Server.Settings;
using Microsoft.Extensions.Configuration;

namespace DistKit.Server.Composition;

/// <summary>
/// The engines this build serves, in one place, and the node's settings as the DistKit section.
/// The node and the CLI both compose through here, so a provider is built one way whoever asks.
/// (The capability modules are listed in <see cref="NodeModules"/>: commands that use an engine
/// directly must not pull the node's HTTP routes into their start.)
/// </summary>
public static class NodeComposition
{
    /// <summary>Registers every engine this build serves (the one list of engines).</summary>
    public static DistKitBuilder AddEngines(this DistKitBuilder distKit) =>
        distKit.AddSqlite().AddRedis().AddEtcd().AddPostgres();

    /// <summary>
    /// Registers DistKit with the engines and capability choices of <paramref name="settings"/>
    /// (read from <c>distkit.json</c> and <c>DISTKIT_*</c>), with every engine this build serves.
    /// </summary>
    public static DistKitBuilder AddDistKit(IServiceCollection services, NodeSettings settings) =>
        services.AddDistKit(ConfigurationOf(settings)).AddEngines();

    /// <summary>The DistKit section equivalent to <paramref name="settings"/>, in the shape apps configure.</summary>
    public static IConfiguration ConfigurationOf(NodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["DataDir"] = settings.DataDir,
            ["Engines:Redis"] = settings.Engines.Redis,
            ["Engines:Redlock"] = settings.Engines.Redlock,
            ["Engines:Etcd"] = settings.Engines.Etcd,
            ["Engines:Postgres"] = settings.Engines.Postgres,
            ["Ids:Worker"] = settings.Ids.Worker?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ids:ClockPolicy"] = settings.Ids.ClockPolicy,
        };
        foreach (var (capability, engine) in settings.CapabilityEngines)
        {
            values[$"Capabilities:{capability}"] = engine;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }
}
