using System.Globalization;
using DistKit.Scheduling.Jobs;
using DistKit.Server.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DistKit.Cli.Bench;

/// <summary>DistKit's jobs through the composition layer, as an app runs them: <c>AddJobs(j => j.MapHandler(…))</c> with its firing service.</summary>
internal sealed class DistKitJobContender(NodeSettings settings, string engine) : JobContender("DistKit")
{
    private ServiceProvider? _services;
    private IJobScheduler? _jobs;
    private IHostedService[] _hosted = [];
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _scheduled = new();

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _services = await Conventions.CliEngines.ComposeAsync(
            settings.With("Capabilities:Jobs", engine),
            distKit => distKit.AddJobs(jobs => jobs.MapHandler("bench", (job, _) =>
            {
                Fired.Record(int.Parse(job.Data!, CultureInfo.InvariantCulture), job.Due, TimeProvider.System.GetUtcNow());
                return Task.CompletedTask;
            })));
        _jobs = _services.GetRequiredService<IJobScheduler>();
        _hosted = [.. _services.GetServices<IHostedService>()];
        foreach (var hosted in _hosted)
        {
            await hosted.StartAsync(cancellationToken);
        }

        // Firing starts once this process owns every shard (it is alone on the store).
        var firing = _services.GetRequiredService<IJobFiringState>();
        var shards = _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<JobsOptions>>().Value.Shards;
        while (firing.OwnedShards.Count < shards)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, cancellationToken);
        }
    }

    public override async Task ScheduleAsync(int index, DateTimeOffset due, CancellationToken cancellationToken) =>
        _scheduled.Enqueue((await _jobs!.ScheduleAsync(
            JobRequest.AtTime(due, JobTarget.Handler("bench")) with { Data = index.ToString(CultureInfo.InvariantCulture) },
            cancellationToken)).Job.Id);

    public override async Task ForgetAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        while (_scheduled.TryDequeue(out var id))
        {
            ids.Add(id);
        }

        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, token) =>
            await _jobs!.CancelAsync(id, token));
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var hosted in _hosted.Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }
}
