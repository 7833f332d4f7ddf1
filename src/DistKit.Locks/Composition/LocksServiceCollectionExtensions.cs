using DistKit.Core.Composition;
using DistKit.Locks;
using DistKit.Locks.Composition;
using DistKit.Locks.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the locks capability: <c>services.AddDistKit(configuration).AddRedis().AddLocks()</c>.</summary>
public static class LocksServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDistributedLockProvider"/> on the engine named by
    /// <c>DistKit:Capabilities:Locks</c> (default <c>embedded</c>), with the lease from
    /// <c>DistKit:Locks</c>; <paramref name="configure"/> runs after the configuration is read.
    /// Each engine's provider is also registered under its name as a keyed service; the one
    /// resolved unkeyed is wrapped in <see cref="InstrumentedLockProvider"/> for telemetry.
    /// </summary>
    public static DistKitBuilder AddLocks(this DistKitBuilder builder, Action<LocksOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = builder.Services.AddOptions<LocksOptions>()
            .Configure<TimeProvider>((locks, time) =>
            {
                var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(LocksOptions));
                locks.Engine = settings.Text($"Capabilities:{LocksOptions.Capability}") ?? locks.Engine;
                locks.Lease = locks.Lease with
                {
                    Ttl = settings.Duration("Locks:Ttl") ?? locks.Lease.Ttl,
                    RenewEvery = settings.Duration("Locks:RenewEvery") ?? locks.Lease.RenewEvery,
                    TimeProvider = time,
                };
            });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // Engine names are lower case ("Redis" in a settings file means redis), whoever set them.
        options.PostConfigure(locks => locks.Engine = locks.Engine.Trim().ToLowerInvariant());
        options.ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LocksOptions>, LocksOptionsValidation>();
        builder.Engines.Add(LocksOptions.Capability, DistKitBuilder.Embedded);
        builder.Services.AddKeyedSingleton<IDistributedLockProvider>(DistKitBuilder.Embedded, (_, _) => new InProcessLockProvider());
        builder.Services.AddSingleton(services => new LocksTelemetry(services.GetService<IMeterFactory>(), services.GetService<ILoggerFactory>()));
        builder.Services.AddSingleton<IDistributedLockProvider>(services => new InstrumentedLockProvider(
            services.GetRequiredKeyedService<IDistributedLockProvider>(services.GetRequiredService<IOptions<LocksOptions>>().Value.Engine),
            services.GetRequiredService<LocksTelemetry>(),
            services.GetRequiredService<TimeProvider>()));
        return builder;
    }

    private sealed class LocksOptionsValidation(DistKitBuilder builder, IServiceProvider services) : IValidateOptions<LocksOptions>
    {
        public ValidateOptionsResult Validate(string? name, LocksOptions options)
        {
            if (builder.Engines.ProblemWith(LocksOptions.Capability, options.Engine, services) is { } problem)
            {
                return ValidateOptionsResult.Fail($"{builder.PathOf("Capabilities:Locks")}: {problem}");
            }

            try
            {
                options.Lease.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentOutOfRangeException e)
            {
                var key = e.ParamName == nameof(options.Lease.RenewEvery) ? "Locks:RenewEvery" : "Locks:Ttl";
                return ValidateOptionsResult.Fail($"{builder.PathOf(key)}: {e.Message.Split(" (Parameter")[0].Split(Environment.NewLine)[0]}");
            }
        }
    }
}
