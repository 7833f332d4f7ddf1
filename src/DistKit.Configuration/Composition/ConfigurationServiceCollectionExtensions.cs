using System.Diagnostics.Metrics;
using DistKit.Configuration;
using DistKit.Configuration.Access;
using DistKit.Configuration.Diagnostics;
using DistKit.Core.Composition;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the configuration center: <c>services.AddDistKit(configuration).AddSqlite().AddConfiguration()</c>.</summary>
public static class ConfigurationServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IConfigCenter"/> on the store named by <c>DistKit:Capabilities:Config</c>
    /// (default <c>embedded</c>: SQLite, from <c>AddSqlite()</c>), with settings from <c>DistKit:Config</c>.
    /// This is the store side; an app that only reads its configuration uses
    /// <c>builder.Configuration.AddDistKit(…)</c> and needs no store.
    /// </summary>
    public static DistKitBuilder AddConfiguration(this DistKitBuilder builder, Action<ConfigOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = builder.Services.AddOptions<ConfigOptions>()
            .Configure(o =>
            {
                var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(ConfigOptions));
                o.Engine = settings.Text($"Capabilities:{ConfigOptions.Capability}") ?? o.Engine;
                o.ReplayLimit = (int)Math.Min(settings.Count("Config:ReplayLimit") ?? o.ReplayLimit, int.MaxValue);
                o.Poll = settings.Duration("Config:Poll") ?? o.Poll;
                o.MaxValueLength = (int)Math.Min(settings.Count("Config:MaxValueLength") ?? o.MaxValueLength, int.MaxValue);
            });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure(o => o.Engine = o.Engine.Trim().ToLowerInvariant());
        options.ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ConfigOptions>>(services => new ConfigOptionsValidation(builder, services));
        builder.Services.AddSingleton(services => new ConfigTelemetry(services.GetService<IMeterFactory>(), services.GetService<ILoggerFactory>()));
        builder.Services.AddSingleton<IConfigCenter>(services =>
        {
            var o = services.GetRequiredService<IOptions<ConfigOptions>>().Value;
            return new ConfigCenter(
                services.GetRequiredKeyedService<IConfigStore>(o.Engine),
                o,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ConfigTelemetry>());
        });
        builder.Services.AddSingleton(services =>
        {
            var o = services.GetRequiredService<IOptions<ConfigOptions>>().Value;
            return new ConfigTokens(services.GetRequiredKeyedService<IConfigStore>(o.Engine), services.GetRequiredService<TimeProvider>());
        });
        return builder;
    }

    private sealed class ConfigOptionsValidation(DistKitBuilder builder, IServiceProvider services) : IValidateOptions<ConfigOptions>
    {
        public ValidateOptionsResult Validate(string? name, ConfigOptions options)
        {
            if (builder.Engines.ProblemWith(ConfigOptions.Capability, options.Engine, services) is { } problem)
            {
                return ValidateOptionsResult.Fail($"{builder.PathOf("Capabilities:Config")}: {problem}");
            }

            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentOutOfRangeException e)
            {
                return ValidateOptionsResult.Fail($"{builder.PathOf("Config:" + e.ParamName)}: {e.Message.Split(" (Parameter")[0].Split(Environment.NewLine)[0]}");
            }
        }
    }
}
