using System.Collections.Concurrent;
using DistKit.Client;
using DistKit.Client.Jobs;
using DistKit.Scheduling.Jobs;
using DistKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DistKit.Server.Tests;

/// <summary>DistKit.Client's <see cref="IJobScheduler"/> on a real node: the same abstraction an app's AddJobs() gives.</summary>
public sealed class NodeJobSchedulerTests
{
    [Fact(Timeout = 60_000)]
    public async Task ScheduledOnTheNode_FiresTheCallback_AndReadsBackAsAJob()
    {
        var cancel = TestContext.Current.CancellationToken;
        var bodies = new ConcurrentQueue<string>();
        await using var node = await InProcessNode.StartAsync(extraRoutes: app => app.MapPost("/test/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            bodies.Enqueue(await reader.ReadToEndAsync());
            return Results.Ok();
        }));
        using var client = new NodeClient(node.Address);
        var jobs = new NodeJobScheduler(client);

        var scheduled = await jobs.ScheduleAsync(JobRequest.After(TimeSpan.FromMilliseconds(200), JobTarget.Http(new Uri(node.Address, "/test/hook"))) with
        {
            Data = "{\"order\": 7}",
            Retry = RetryPolicy.Default with { Attempts = 5 },
            Timeout = TimeSpan.FromSeconds(2),
        }, cancel);

        Assert.Equal(ScheduleOutcome.Created, scheduled.Outcome);
        Assert.Equal(5, scheduled.Job.Retry.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(2), scheduled.Job.Timeout);
        Assert.True(await Until.TrueAsync(async () => (await jobs.GetAsync(scheduled.Job.Id, cancel))?.State == JobState.Succeeded, TimeSpan.FromSeconds(20), cancel));
        Assert.Equal("{\"order\": 7}", Assert.Single(bodies));
        Assert.Contains(await jobs.ListAsync(JobState.Succeeded, 1000, cancel), j => j.Id == scheduled.Job.Id);
    }

    [Fact(Timeout = 60_000)]
    public async Task CancelByKey_Missing_AndRefusals_MapToTheAbstractionsContract()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync();
        using var client = new NodeClient(node.Address);
        var jobs = new NodeJobScheduler(client);
        var target = JobTarget.Http(new Uri("http://127.0.0.1:9/x"));

        var keyed = await jobs.ScheduleAsync(JobRequest.After(TimeSpan.FromHours(1), target) with { Key = "order:9:timeout" }, cancel);
        var replaced = await jobs.ScheduleAsync(JobRequest.After(TimeSpan.FromHours(2), target) with { Key = "order:9:timeout" }, cancel);
        var cancelled = await jobs.CancelByKeyAsync("order:9:timeout", cancel);

        Assert.Equal(ScheduleOutcome.Replaced, replaced.Outcome);
        Assert.Equal(keyed.Job.Id, replaced.Job.Id);
        Assert.Equal(JobState.Cancelled, cancelled?.State);
        Assert.Null(await jobs.CancelByKeyAsync("order:9:timeout", cancel));
        Assert.Null(await jobs.GetAsync("0123456789abcdef0123456789abcdef", cancel));
        Assert.Contains("is not a cron expression", (await Assert.ThrowsAsync<ArgumentException>(() => jobs.ScheduleAsync(JobRequest.Every("61 * * * *", target), cancel).AsTask())).Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => jobs.ScheduleAsync(JobRequest.After(TimeSpan.Zero, JobTarget.Handler("send-coupon")), cancel).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => jobs.ScheduleAsync(JobRequest.After(TimeSpan.Zero, target) with { Data = "not json" }, cancel).AsTask());
    }
}
