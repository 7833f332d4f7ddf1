using DistKit.Core.Composition;
using DistKit.Ids;
using DistKit.Ids.Composition;
using DistKit.Ids.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the IDs capability: <c>services.AddDistKit(configuration).AddRedis().AddIds()</c>.</summary>
public static class IdsServiceCollectionExtensions
{
    private static readonly string[] ClockPolicies = ["wait", "fail", "logical"];

    /// <summary>
    /// Registers <see cref="IIdGenerator"/> (a <see cref="ManagedIdGenerator"/> of the configured
    /// layout), the <see cref="IdGeneratorFactory"/> for other layouts, and the hosted service that
    /// acquires the worker id at start. Settings from <c>DistKit:Capabilities:Ids</c> and
    /// <c>DistKit:Ids</c>; <paramref name="configure"/> runs after them.
    /// </summary>
    public static DistKitBuilder AddIds(this DistKitBuilder builder, Action<IdsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = builder.Services.AddOptions<IdsOptions>()
            .Configure<TimeProvider>((ids, time) =>
            {
                var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(IdsOptions));
                ids.Engine = settings.Text($"Capabilities:{IdsOptions.Capability}") ?? ids.Engine;
                ids.Worker = settings.Count("Ids:Worker") ?? ids.Worker;
                if (settings.OneOf("Ids:ClockPolicy", ClockPolicies) is { } policy)
                {
                    ids.ClockPolicy = Enum.Parse<ClockBackwardsPolicy>(policy, ignoreCase: true);
                }

                if (settings.Text("Ids:Layout") is { } layout)
                {
                    try
                    {
                        ids.Layout = IdLayout.Parse(layout);
                    }
                    catch (FormatException e)
                    {
                        throw settings.Error("Ids:Layout", e.Message);
                    }
                }

                ids.WorkerLease = ids.WorkerLease with { Ttl = settings.Duration("Ids:WorkerTtl") ?? ids.WorkerLease.Ttl, TimeProvider = time };
            });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // Engine names are lower case ("Redis" in a settings file means redis), whoever set them.
        options.PostConfigure(ids => ids.Engine = ids.Engine.Trim().ToLowerInvariant());
        options.ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IdsOptions>, IdsOptionsValidation>();
        builder.Engines.Add(IdsOptions.Capability, DistKitBuilder.Embedded);
        builder.Services.AddSingleton(services => new IdsTelemetry(services.GetService<IMeterFactory>(), services.GetService<ILoggerFactory>()));
        builder.Services.AddSingleton<IdGeneratorFactory>();
        builder.Services.AddSingleton(services =>
            services.GetRequiredService<IdGeneratorFactory>().Create(services.GetRequiredService<IOptions<IdsOptions>>().Value.Layout));
        builder.Services.AddSingleton<IIdGenerator>(services => services.GetRequiredService<ManagedIdGenerator>());
        builder.Services.AddHostedService<IdGeneratorHostedService>();
        return builder;
    }

    private sealed class IdsOptionsValidation(DistKitBuilder builder, IServiceProvider services) : IValidateOptions<IdsOptions>
    {
        public ValidateOptionsResult Validate(string? name, IdsOptions options)
        {
            if (options.Worker is null && builder.Engines.ProblemWith(IdsOptions.Capability, options.Engine, services) is { } problem)
            {
                return ValidateOptionsResult.Fail($"{builder.PathOf("Capabilities:Ids")}: {problem}");
            }

            if (options.Worker is { } worker && (worker < 0 || worker > options.Layout.MaxNode))
            {
                return ValidateOptionsResult.Fail($"{builder.PathOf("Ids:Worker")}: {worker} is outside layout {options.Layout.Name} (0 to {options.Layout.MaxNode})");
            }

            try
            {
                options.WorkerLease.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentOutOfRangeException e)
            {
                return ValidateOptionsResult.Fail($"{builder.PathOf("Ids:WorkerTtl")}: {e.Message.Split(" (Parameter")[0].Split(Environment.NewLine)[0]}");
            }
        }
    }
}
