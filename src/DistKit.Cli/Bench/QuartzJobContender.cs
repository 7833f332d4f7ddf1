using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Quartz;

namespace DistKit.Cli.Bench;

/// <summary>
/// The peer: Quartz.NET with its ADO.NET job store on the same database (PostgreSQL, clustered, or
/// a SQLite file for the embedded store, where Quartz does not cluster), its schema provisioned by
/// Quartz itself, 32 worker threads and triggers acquired 32 at a time.
/// </summary>
internal sealed class QuartzJobContender(string store, string connectionString) : JobContender("Quartz.NET")
{
    // Quartz makes each job instance itself, so the log it reports to is reached statically.
    private static FireLog? s_log;
    private ServiceProvider? _services;
    private IScheduler? _scheduler;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        s_log = Fired;
        var services = new ServiceCollection();
        services.AddQuartz(quartz =>
        {
            quartz.UsePersistentStore(persistent =>
            {
                if (store == "postgres")
                {
                    persistent.UsePostgres(NpgsqlFactory.Instance, connectionString);
                    persistent.UseClustering();
                }
                else
                {
                    // Quartz refuses clustering on SQLite; one scheduler on the file, as DistKit's is here.
                    persistent.UseSqlite(SqliteFactory.Instance, connectionString);
                }

                persistent.ProvisionSchema();
            });
            quartz.UseDefaultThreadPool(32);
            // Triggers acquired up to 32 at a time, one per worker thread, rather than one by one.
            quartz.ConfigureScheduler(scheduler => scheduler.MaxBatchSize = 32);
        });
        _services = services.BuildServiceProvider();
        _scheduler = await _services.GetRequiredService<ISchedulerFactory>().GetScheduler(cancellationToken);
        await _scheduler.Clear(cancellationToken);
        await _scheduler.Start(cancellationToken);
    }

    public override async Task ScheduleAsync(int index, DateTimeOffset due, CancellationToken cancellationToken)
    {
        var name = index.ToString(CultureInfo.InvariantCulture);
        var job = JobBuilder.Create<BenchJob>().WithIdentity(name, "distkit-bench").UsingJobData("i", index).Build();
        var trigger = TriggerBuilder.Create().WithIdentity(name, "distkit-bench").StartAt(due).Build();
        await _scheduler!.ScheduleJob(job, trigger, cancellationToken: cancellationToken);
    }

    public override async Task ForgetAsync(CancellationToken cancellationToken) => await _scheduler!.Clear(cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        if (_scheduler is not null)
        {
            await _scheduler.Clear();
            await _scheduler.Shutdown(waitForJobsToComplete: true);
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    /// <summary>The peer's job: records its start, as DistKit's handler does.</summary>
    public sealed class BenchJob : IJob
    {
        public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(context);
            s_log?.Record(context.MergedJobDataMap.GetInt("i"), context.ScheduledFireTimeUtc ?? context.FireTimeUtc, TimeProvider.System.GetUtcNow());
            return ValueTask.CompletedTask;
        }
    }
}
