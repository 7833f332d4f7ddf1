using DistKit.Core.Composition;
using DistKit.Server.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DistKit.Server.Composition;

/// <summary>
/// The node's settings as the DistKit section, with every engine of this build registered. The node
/// and the CLI both compose through here, so a provider is built one way whoever asks. (The
/// capability modules are listed in <see cref="NodeModules"/>: commands that use an engine directly
/// must not pull the node's HTTP routes into their start.)
/// </summary>
public static class NodeComposition
{
    /// <summary>Registers every engine this build serves (<see cref="NodeEngines"/>).</summary>
    public static DistKitBuilder AddEngines(this DistKitBuilder distKit)
    {
        ArgumentNullException.ThrowIfNull(distKit);
        foreach (var engine in NodeEngines.All)
        {
            engine.Register(distKit);
        }

        return distKit;
    }

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
        var values = settings.DistKit.ToDictionary(s => s.Key, s => (string?)s.Value, StringComparer.OrdinalIgnoreCase);
        values["DataDir"] = settings.DataDir;
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>
    /// Runs the checks a host runs at start (<c>ValidateOnStart</c>) on <paramref name="services"/>,
    /// turning the first failure into a <see cref="SettingsException"/> that names the key and its
    /// environment variable.
    /// </summary>
    /// <exception cref="SettingsException">A setting the registered capabilities use is wrong or missing.</exception>
    public static void Validate(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException e)
        {
            throw SettingsFailure(e.Failures.First());
        }
    }

    /// <summary>Checks every module's and engine's settings in <paramref name="settings"/>, as the node's start would.</summary>
    /// <exception cref="SettingsException">A setting is wrong or missing.</exception>
    internal static void Check(NodeSettings settings)
    {
        var services = new ServiceCollection();
        var distKit = AddDistKit(services, settings);
        foreach (var module in NodeModules.All)
        {
            module.AddServices(distKit);
        }

        var provider = services.BuildServiceProvider();
        try
        {
            Validate(provider);
        }
        finally
        {
            // Some services the checks resolve are only IAsyncDisposable; nothing was connected, so
            // disposing them completes at once.
            provider.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    // The layer reports "Key: problem", naming keys as an app's configuration does.
    private static SettingsException SettingsFailure(string failure)
    {
        var split = failure.IndexOf(": ", StringComparison.Ordinal);
        var hint = NodeSettingsCatalog.Default.EnvironmentHint(failure);
        return split > 0
            ? new SettingsException(failure[..split], failure[(split + 2)..] + hint)
            : new SettingsException("distkit", failure + hint);
    }
}
