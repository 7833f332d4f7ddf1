using DistKit.Scheduling.Jobs;
using DistKit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DistKit.Engines.Tests.Jobs;

/// <summary>The chapter's warning: one slow callback receiver must not stall the others.</summary>
public sealed class SlowReceiverTests
{

    [Fact(Timeout = 120_000)]
    public async Task HangingReceiver_DoesNotDelayJobsForOtherReceivers()
    {
        var dir = Directory.CreateTempSubdirectory("distkit-slow-").FullName;
        await using var hanging = new CallbackReceiver(hang: true);
        await using var healthy = new CallbackReceiver();
        using var host = FiringTests.Host(dir, _ => { }, new() { ["DistKit:Jobs:MaxPerHost"] = "4" });
        await host.StartAsync(TestContext.Current.CancellationToken);
        var jobs = host.Services.GetRequiredService<IJobScheduler>();
        try
        {
            var due = TimeProvider.System.GetUtcNow().AddMilliseconds(500);
            // The hanging receiver's jobs go first and outnumber its slots many times over.
            for (var i = 0; i < 40; i++)
            {
                await jobs.ScheduleAsync(JobRequest.AtTime(due, JobTarget.Http(hanging.Url)) with { Timeout = TimeSpan.FromSeconds(30), Data = $"{i}" }, TestContext.Current.CancellationToken);
            }

            var healthyJobs = new List<Job>();
            for (var i = 0; i < 40; i++)
            {
                healthyJobs.Add((await jobs.ScheduleAsync(JobRequest.AtTime(due, JobTarget.Http(healthy.Url)) with { Data = $"{i}" }, TestContext.Current.CancellationToken)).Job);
            }

            Assert.True(await Until.TrueAsync(() => healthy.Count >= 40, TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken), $"only {healthy.Count} of 40 reached the healthy receiver");

            var last = healthy.Received.Max(c => c.Arrived);
            // Safety bound: well inside the hanging callbacks' 30 s timeout, which would be the
            // delay if they held the shared slots.
            Assert.True(last - due < TimeSpan.FromSeconds(10), $"the last healthy callback came {(last - due).TotalMilliseconds:0} ms after its due time");
            Assert.Equal(4, hanging.Count); // its own 4 slots, no more
            Assert.Equal(healthyJobs.Select(j => j.Id).Order(), healthy.Received.Select(c => c.JobId).Order());
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
