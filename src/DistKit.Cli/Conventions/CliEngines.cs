using DistKit.Core.Composition;
using DistKit.Server.Composition;
using DistKit.Server.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace DistKit.Cli.Conventions;

/// <summary>
/// Engines for commands that use one directly (<c>lock run</c>, <c>id next</c>, <c>bench</c>):
/// the same settings as the node (<c>distkit.json</c>, then <c>DISTKIT_REDIS</c>,
/// <c>DISTKIT_ETCD</c>, <c>DISTKIT_POSTGRES</c>, …), composed through the same layer as the node and
/// apps, so a provider is built one way wherever it is used.
/// </summary>
public static class CliEngines
{
    /// <summary>The configured engine connection strings; the node's own settings are not checked.</summary>
    /// <exception cref="SettingsException">The settings file cannot be read; reported as one line with exit 78.</exception>
    public static NodeSettings Settings() =>
        NodeSettingsLoader.Read(new NodeSettingsLoader.Flags(), NodeSettingsLoader.ProcessEnvironment());

    /// <summary>
    /// The services of <paramref name="settings"/> with the capabilities <paramref name="register"/>
    /// adds, checked as a host checks them at start.
    /// </summary>
    /// <exception cref="SettingsException">A setting the command uses is wrong or missing (exit 78).</exception>
    public static async Task<ServiceProvider> ComposeAsync(NodeSettings settings, Action<DistKitBuilder> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        var services = new ServiceCollection();
        register(NodeComposition.AddDistKit(services, settings));
        var provider = services.BuildServiceProvider();
        try
        {
            NodeComposition.Validate(provider);
            return provider;
        }
        catch (SettingsException)
        {
            // Asynchronously: what the checks resolved (Redis connections) is only IAsyncDisposable.
            await provider.DisposeAsync();
            throw;
        }
    }

    /// <summary>Fails with exit 78 unless <paramref name="engine"/> has a connection configured, naming where it comes from.</summary>
    public static void RequireConfigured(NodeSettings settings, string engine, string option)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.IsConfigured(engine))
        {
            throw new CliException(ExitCodes.Config, $"{option} {engine}: no {engine} connection is configured (DISTKIT_{engine.ToUpperInvariant()}, or engines.{engine} in distkit.json)");
        }
    }
}
