using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DistKit.Core.Composition;

/// <summary>
/// What <c>services.AddDistKit(configuration)</c> returns: engines (<c>AddRedis()</c>,
/// <c>AddEtcd()</c>, <c>AddPostgres()</c>) and capabilities (<c>AddLocks()</c>, <c>AddIds()</c>)
/// register on it, in any order. The one place where a capability's engine name and settings
/// become a provider, for apps, the node and the CLI alike.
/// </summary>
public sealed class DistKitBuilder
{
    /// <summary>The engine every capability has without a server: in-process, or a file in <see cref="DistKitOptions.DataDir"/>.</summary>
    public const string Embedded = "embedded";

    internal DistKitBuilder(IServiceCollection services, IConfiguration configuration, EngineCatalog engines)
    {
        Services = services;
        Configuration = configuration;
        Engines = engines;
    }

    /// <summary>The services DistKit registers into.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The DistKit section, shaped like the node's <c>distkit.json</c>: <c>Engines</c> (connection
    /// strings), <c>Capabilities</c> (the engine of each capability) and one section per capability.
    /// Empty when DistKit is configured in code only.
    /// </summary>
    public IConfiguration Configuration { get; }

    /// <summary>Which engines this app registered for which capability.</summary>
    public EngineCatalog Engines { get; }

    /// <summary>The configuration key <paramref name="key"/> as a user writes it, e.g. <c>DistKit:Capabilities:Locks</c>.</summary>
    public string PathOf(string key) => SettingReader.PathOf(Configuration, key);
}
