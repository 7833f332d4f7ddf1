using System.Collections.Concurrent;
using DistKit.Scheduling.Jobs;
using DistKit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DistKit.Engines.Tests.Jobs;

/// <summary>Jobs fired by <c>AddJobs()</c> in-process on the embedded store, on the real clock.</summary>
public sealed class FiringTests : IAsyncLifetime
{
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-firing-").FullName;
    private readonly ConcurrentQueue<(string Id, int Attempt, DateTimeOffset Due, DateTimeOffset Started)> _runs = new();
    private IHost? _host;


    private IJobScheduler Jobs => _host!.Services.GetRequiredService<IJobScheduler>();

    public async ValueTask InitializeAsync()
    {
        _host = Host(_dir, j => j
            .MapHandler("record", (job, _) =>
            {
                _runs.Enqueue((job.Id, job.Attempt, job.Due, TimeProvider.System.GetUtcNow()));
                return Task.CompletedTask;
            })
            .MapHandler("fail", (job, _) =>
            {
                _runs.Enqueue((job.Id, job.Attempt, job.Due, TimeProvider.System.GetUtcNow()));
                throw new InvalidOperationException("receiver refused");
            }));
        await _host.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _host!.StopAsync(CancellationToken.None);
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    internal static IHost Host(string dataDir, Action<Scheduling.Composition.JobsBuilder> jobs, Dictionary<string, string?>? settings = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings ?? []) { ["DistKit:DataDir"] = dataDir });
        builder.Services.AddDistKit(builder.Configuration.GetSection("DistKit"))
            .AddSqlite()
            .AddJobs(jobs);
        return builder.Build();
    }

    private int RunsOf(string id) => _runs.Count(r => r.Id == id);

    private async Task<Job> UntilStateAsync(string id, JobState state)
    {
        Job? job = null;
        Assert.True(await Until.TrueAsync(async () => (job = await Jobs.GetAsync(id, TestContext.Current.CancellationToken))?.State == state, Liveness, TestContext.Current.CancellationToken),
            $"job {id} is {job?.State}, not {state}");
        return job!;
    }

    [Fact(Timeout = 60_000)]
    public async Task Handler_RunsOnce_NeverBeforeItsDueTime()
    {
        var job = (await Jobs.ScheduleAsync(JobRequest.After(TimeSpan.FromMilliseconds(300), JobTarget.Handler("record")) with { Data = "coupon" }, TestContext.Current.CancellationToken)).Job;

        await UntilStateAsync(job.Id, JobState.Succeeded);

        var run = Assert.Single(_runs, r => r.Id == job.Id);
        Assert.True(run.Started >= job.Due, $"started {run.Started:O}, due {job.Due:O}");
        Assert.Equal(1, run.Attempt);
    }

    [Fact(Timeout = 60_000)]
    public async Task FailingHandler_IsRetriedWithRisingAttemptNumbers_ThenDead()
    {
        var retry = new RetryPolicy { Attempts = 3, InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200) };
        var job = (await Jobs.ScheduleAsync(JobRequest.After(TimeSpan.Zero, JobTarget.Handler("fail")) with { Retry = retry }, TestContext.Current.CancellationToken)).Job;

        var dead = await UntilStateAsync(job.Id, JobState.Dead);

        Assert.Equal([1, 2, 3], _runs.Where(r => r.Id == job.Id).Select(r => r.Attempt));
        Assert.Contains("receiver refused", dead.LastError, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancelled_BeforeItsTime_NeverRuns()
    {
        var cancelled = (await Jobs.ScheduleAsync(JobRequest.After(TimeSpan.FromMilliseconds(400), JobTarget.Handler("record")), TestContext.Current.CancellationToken)).Job;
        var after = (await Jobs.ScheduleAsync(JobRequest.After(TimeSpan.FromMilliseconds(700), JobTarget.Handler("record")), TestContext.Current.CancellationToken)).Job;

        Assert.Equal(JobState.Cancelled, (await Jobs.CancelAsync(cancelled.Id, TestContext.Current.CancellationToken))?.State);
        await UntilStateAsync(after.Id, JobState.Succeeded);

        Assert.Equal(0, RunsOf(cancelled.Id));
    }

    [Fact(Timeout = 60_000)]
    public async Task SameBusinessKey_Reschedules_AndTheJobRunsOnceAtTheNewTime()
    {
        var key = "order:" + Guid.NewGuid() + ":timeout";
        var first = (await Jobs.ScheduleAsync(JobRequest.After(TimeSpan.FromMilliseconds(200), JobTarget.Handler("record")) with { Key = key }, TestContext.Current.CancellationToken)).Job;
        var moved = await Jobs.ScheduleAsync(JobRequest.After(TimeSpan.FromMilliseconds(900), JobTarget.Handler("record")) with { Key = key }, TestContext.Current.CancellationToken);

        var done = await UntilStateAsync(first.Id, JobState.Succeeded);

        Assert.Equal(ScheduleOutcome.Replaced, moved.Outcome);
        var run = Assert.Single(_runs, r => r.Id == first.Id);
        Assert.True(run.Started >= moved.Job.Due, $"ran at {run.Started:O}, before its new time {moved.Job.Due:O}");
        Assert.Equal(moved.Job.Due, done.Due);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cron_RunsAtEachOccurrence_UntilCancelled()
    {
        var job = (await Jobs.ScheduleAsync(JobRequest.Every("* * * * * *", JobTarget.Handler("record")), TestContext.Current.CancellationToken)).Job;

        Assert.True(await Until.TrueAsync(() => RunsOf(job.Id) >= 2, Liveness, TestContext.Current.CancellationToken));
        await Jobs.CancelAsync(job.Id, TestContext.Current.CancellationToken);

        var runs = _runs.Where(r => r.Id == job.Id).ToList();
        // Each run is a different whole-second occurrence, started at or after it.
        Assert.True(runs[1].Due > runs[0].Due, $"occurrences {runs[0].Due:O} then {runs[1].Due:O}");
        Assert.All(runs, r => Assert.Equal(0, r.Due.ToUnixTimeMilliseconds() % 1000));
        Assert.All(runs, r => Assert.True(r.Started >= r.Due, $"occurrence {r.Due:O} ran early, at {r.Started:O}"));
        Assert.All(_runs.Where(r => r.Id == job.Id), r => Assert.Equal(1, r.Attempt));
    }

    [Fact(Timeout = 60_000)]
    public async Task Schedule_MalformedRequests_AreRefusedWithTheReason()
    {
        var target = JobTarget.Handler("record");
        var none = await Assert.ThrowsAsync<ArgumentException>(() => Jobs.ScheduleAsync(new JobRequest { Target = target }, TestContext.Current.CancellationToken).AsTask());
        var cron = await Assert.ThrowsAsync<ArgumentException>(() => Jobs.ScheduleAsync(JobRequest.Every("61 * * * *", target), TestContext.Current.CancellationToken).AsTask());
        var handler = await Assert.ThrowsAsync<ArgumentException>(() => Jobs.ScheduleAsync(JobRequest.After(TimeSpan.Zero, JobTarget.Handler("nobody")), TestContext.Current.CancellationToken).AsTask());
        var timeout = await Assert.ThrowsAsync<ArgumentException>(() => Jobs.ScheduleAsync(JobRequest.After(TimeSpan.Zero, target) with { Timeout = TimeSpan.FromMinutes(2) }, TestContext.Current.CancellationToken).AsTask());

        Assert.Contains("exactly one of At, In and Cron", none.Message, StringComparison.Ordinal);
        Assert.Contains("is not a cron expression", cron.Message, StringComparison.Ordinal);
        Assert.Contains("no handler 'nobody'", handler.Message, StringComparison.Ordinal);
        Assert.Contains("Timeout must be 1 ms to 60 s", timeout.Message, StringComparison.Ordinal);
    }
}
