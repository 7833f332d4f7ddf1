using DistKit.Scheduling.Jobs;

namespace DistKit.Docs.Snippets;

// docs/jobs.md and src/DistKit.Scheduling/README.md
internal static class JobsSnippets
{
    public static async Task AppAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddDistKit(builder.Configuration.GetSection("DistKit"))
            .AddSqlite()      // the embedded store; .AddPostgres() for a cluster
            .AddJobs(jobs => jobs
                .MapHandler("send-coupon", async (job, cancellationToken) =>
                    await SendCouponAsync(job.Data!, cancellationToken))
                .MapHandler("cancel-unpaid", (job, _) => CancelOrderAsync(job.Key!)));
        using var app = builder.Build();
        await app.StartAsync();

        var jobs = app.Services.GetRequiredService<IJobScheduler>();

        // "Send the coupon 30 minutes after signup": once per user, however often signup is retried.
        await jobs.ScheduleAsync(JobRequest.After(TimeSpan.FromMinutes(30), JobTarget.Handler("send-coupon")) with
        {
            Data = "{\"user\": 42}",
            IdempotencyKey = "signup:42:coupon",
        });

        // "Cancel the order if unpaid in 15 minutes", and forget it once paid.
        await jobs.ScheduleAsync(JobRequest.After(TimeSpan.FromMinutes(15), JobTarget.Handler("cancel-unpaid")) with { Key = "order:123:timeout" });
        await jobs.CancelByKeyAsync("order:123:timeout");

        // "Publish the announcement at 10:00", to a service that is not this app.
        await jobs.ScheduleAsync(JobRequest.AtTime(
            new DateTimeOffset(2026, 12, 24, 10, 0, 0, TimeSpan.Zero),
            JobTarget.Http(new Uri("https://cms.internal/announcements/77/publish"))));

        await app.StopAsync();
    }

    private static Task SendCouponAsync(string data, CancellationToken cancellationToken) => Task.Delay(1, cancellationToken);

    private static Task CancelOrderAsync(string key) => Task.CompletedTask;
}
