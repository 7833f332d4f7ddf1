using System.Diagnostics.Metrics;
using DistKit.Core.Composition;
using DistKit.Core.Leases;
using DistKit.Scheduling.Composition;
using DistKit.Scheduling.Diagnostics;
using DistKit.Scheduling.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the delayed-jobs capability: <c>services.AddDistKit(configuration).AddSqlite().AddJobs(j => j.MapHandler(…))</c>.</summary>
public static class JobsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IJobScheduler"/> on the store named by <c>DistKit:Capabilities:Jobs</c>
    /// (default <c>embedded</c>: SQLite, from <c>AddSqlite()</c>), with settings from <c>DistKit:Jobs</c>,
    /// and, unless <see cref="JobsOptions.Fire"/> is off, a hosted service that owns a share of the
    /// shards and fires their jobs to the mapped handlers and HTTP callbacks. The shard leases live
    /// on the same engine as the store.
    /// </summary>
    public static DistKitBuilder AddJobs(this DistKitBuilder builder, Action<JobsBuilder>? jobs = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var jobsBuilder = new JobsBuilder();
        jobs?.Invoke(jobsBuilder);
        var options = builder.Services.AddOptions<JobsOptions>()
            .Configure<TimeProvider>((o, time) =>
            {
                var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(JobsOptions));
                o.Engine = settings.Text($"Capabilities:{JobsOptions.Capability}") ?? o.Engine;
                o.Shards = (int?)settings.Count("Jobs:Shards") ?? o.Shards;
                o.Window = settings.Duration("Jobs:Window") ?? o.Window;
                o.Timeout = settings.Duration("Jobs:Timeout") ?? o.Timeout;
                o.MaxPerHost = (int?)settings.Count("Jobs:MaxPerHost") ?? o.MaxPerHost;
                o.MaxConcurrent = (int?)settings.Count("Jobs:MaxConcurrent") ?? o.MaxConcurrent;
                if (settings.Count("Jobs:Attempts") is { } attempts)
                {
                    o.Retry = o.Retry with { Attempts = (int)Math.Min(attempts, int.MaxValue) };
                }

                if (settings.OneOf("Jobs:Fire", ["true", "false"]) is { } fire)
                {
                    o.Fire = fire == "true";
                }

                var ttl = settings.Duration("Jobs:LeaseTtl");
                o.Lease = o.Lease with { Ttl = ttl ?? o.Lease.Ttl, RenewEvery = ttl is null ? o.Lease.RenewEvery : null, TimeProvider = time };
            });
        foreach (var configure in jobsBuilder.Configure)
        {
            options.Configure(configure);
        }

        options.PostConfigure(o => o.Engine = o.Engine.Trim().ToLowerInvariant());
        options.ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<JobsOptions>>(services => new JobsOptionsValidation(builder, services));
        builder.Services.AddSingleton(services => new JobsTelemetry(services.GetService<IMeterFactory>(), services.GetService<ILoggerFactory>()));
        builder.Services.AddSingleton(services =>
        {
            var o = services.GetRequiredService<IOptions<JobsOptions>>().Value;
            var time = services.GetRequiredService<TimeProvider>();
            return new JobServices(o, time, new JobDeliveries(
                [new HttpCallbackDelivery(o.MaxPerHost, time), .. services.GetServices<IJobDelivery>()], jobsBuilder.Handlers, time));
        });
        builder.Services.AddSingleton(services =>
        {
            var o = services.GetRequiredService<IOptions<JobsOptions>>().Value;
            var shared = services.GetRequiredService<JobServices>();
            return new JobFiring(
                services.GetRequiredKeyedService<IJobStore>(o.Engine),
                services.GetRequiredKeyedService<ILeaseStore>(o.Engine),
                o,
                shared.Deliveries,
                services.GetRequiredService<JobsTelemetry>(),
                shared.Time);
        });
        builder.Services.AddSingleton<IJobScheduler>(services =>
        {
            var o = services.GetRequiredService<IOptions<JobsOptions>>().Value;
            var shared = services.GetRequiredService<JobServices>();
            return new JobScheduler(
                services.GetRequiredKeyedService<IJobStore>(o.Engine),
                o,
                shared.Time,
                shared.Deliveries,
                o.Fire ? services.GetRequiredService<JobFiring>() : null,
                services.GetRequiredService<JobsTelemetry>());
        });
        builder.Services.AddSingleton<IJobFiringState>(services => services.GetRequiredService<IOptions<JobsOptions>>().Value.Fire
            ? services.GetRequiredService<JobFiring>()
            : new NotFiring());
        builder.Services.AddSingleton<IHostedService>(services => new FiringHost(services));
        return builder;
    }

    // The pieces the scheduler and the firing service share; owns the HTTP client.
    private sealed class JobServices(JobsOptions options, TimeProvider time, JobDeliveries deliveries) : IDisposable
    {
        public JobsOptions Options => options;

        public TimeProvider Time => time;

        public JobDeliveries Deliveries => deliveries;

        public void Dispose() => deliveries.Dispose();
    }

    private sealed class NotFiring : IJobFiringState
    {
        public string Node => "";

        public IReadOnlyList<int> OwnedShards => [];

        public int PendingCount => 0;
    }

    // Starts the firing service only when this process fires, so a scheduling-only app opens no leases.
    private sealed class FiringHost(IServiceProvider services) : IHostedService
    {
        private JobFiring? _firing;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!services.GetRequiredService<IOptions<JobsOptions>>().Value.Fire)
            {
                return Task.CompletedTask;
            }

            _firing = services.GetRequiredService<JobFiring>();
            return _firing.StartAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => _firing?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }

    private sealed class JobsOptionsValidation(DistKitBuilder builder, IServiceProvider services) : IValidateOptions<JobsOptions>
    {
        public ValidateOptionsResult Validate(string? name, JobsOptions options)
        {
            if (builder.Engines.ProblemWith(JobsOptions.Capability, options.Engine, services) is { } problem)
            {
                return ValidateOptionsResult.Fail($"{builder.PathOf("Capabilities:Jobs")}: {problem}");
            }

            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentOutOfRangeException e)
            {
                var key = e.ParamName switch
                {
                    nameof(JobsOptions.Shards) => "Jobs:Shards",
                    nameof(JobsOptions.Window) => "Jobs:Window",
                    nameof(JobsOptions.Timeout) => "Jobs:Timeout",
                    nameof(JobsOptions.MaxPerHost) => "Jobs:MaxPerHost",
                    nameof(JobsOptions.MaxConcurrent) => "Jobs:MaxConcurrent",
                    nameof(RetryPolicy.Attempts) => "Jobs:Attempts",
                    _ => "Jobs:LeaseTtl",
                };
                return ValidateOptionsResult.Fail($"{builder.PathOf(key)}: {e.Message.Split(" (Parameter")[0].Split(Environment.NewLine)[0]}");
            }
        }
    }
}
