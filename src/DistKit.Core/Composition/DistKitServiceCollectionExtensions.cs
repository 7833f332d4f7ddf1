using DistKit.Core.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

// In Microsoft's namespace, as Microsoft's, Npgsql's and NATS.Net's registrations are, so an app
// finds AddDistKit without another using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers DistKit: <c>services.AddDistKit(configuration.GetSection("DistKit")).AddRedis().AddLocks().AddIds()</c>.</summary>
public static class DistKitServiceCollectionExtensions
{
    /// <summary>
    /// Registers DistKit with settings from <paramref name="configuration"/> (the DistKit section,
    /// shaped like the node's <c>distkit.json</c>). Calling it again returns the first builder.
    /// </summary>
    public static DistKitBuilder AddDistKit(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.FirstOrDefault(d => d.ServiceType == typeof(DistKitBuilder))?.ImplementationInstance is DistKitBuilder existing)
        {
            return existing;
        }

        var builder = new DistKitBuilder(services, configuration, new EngineCatalog());
        services.AddSingleton(builder);
        services.AddSingleton(builder.Engines);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<DistKitOptions>()
            .Configure(options =>
            {
                var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(DistKitOptions));
                options.DataDir = settings.Text("DataDir") ?? options.DataDir;
            })
            .ValidateOnStart();
        return builder;
    }

    /// <summary>Registers DistKit configured in code only; capabilities take their settings in their own <c>Add…</c> delegates.</summary>
    public static DistKitBuilder AddDistKit(this IServiceCollection services, Action<DistKitOptions>? configure = null)
    {
        var builder = services.AddDistKit(new ConfigurationBuilder().Build());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}
