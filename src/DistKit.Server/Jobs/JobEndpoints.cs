using System.Globalization;
using System.Text.Json;
using DistKit.Core;
using DistKit.Scheduling.Jobs;
using DistKit.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DistKit.Server.Jobs;

/// <summary><c>/v1/jobs</c>: schedule, read, list and cancel delayed jobs.</summary>
internal static class JobEndpoints
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/jobs", ScheduleAsync);
        routes.MapGet("/v1/jobs", ListAsync);
        routes.MapGet("/v1/jobs/shards", Shards);
        routes.MapGet("/v1/jobs/{id}", GetAsync);
        routes.MapDelete("/v1/jobs/{id}", CancelAsync);
        routes.MapDelete("/v1/jobs", CancelByKeyAsync);
    }

    private static async Task<JsonHttpResult<JobView>> ScheduleAsync(ScheduleJobBody? body, IJobScheduler jobs, HttpContext context)
    {
        var request = Parse(body ?? throw ApiException.InvalidArgument("the body must be a JSON object"));
        ScheduledJob scheduled;
        try
        {
            scheduled = await jobs.ScheduleAsync(request, context.RequestAborted);
        }
        catch (ArgumentException e)
        {
            throw ApiException.InvalidArgument(e.Message.Split(" (Parameter")[0]);
        }

        return TypedResults.Json(
            View(scheduled.Job, scheduled.Outcome),
            ApiJsonContext.Default.JobView,
            statusCode: scheduled.Outcome == ScheduleOutcome.Existing ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }

    private static async Task<JsonHttpResult<JobView>> GetAsync(string id, IJobScheduler jobs, HttpContext context) =>
        TypedResults.Json(View(await jobs.GetAsync(id, context.RequestAborted) ?? throw NoJob(id)), ApiJsonContext.Default.JobView);

    private static async Task<JsonHttpResult<JobView>> CancelAsync(string id, IJobScheduler jobs, HttpContext context) =>
        TypedResults.Json(View(await jobs.CancelAsync(id, context.RequestAborted) ?? throw NoJob(id)), ApiJsonContext.Default.JobView);

    private static async Task<JsonHttpResult<JobView>> CancelByKeyAsync(string? key, IJobScheduler jobs, HttpContext context)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw ApiException.InvalidArgument("give the business key to cancel: DELETE /v1/jobs?key=…");
        }

        try
        {
            var job = await jobs.CancelByKeyAsync(key, context.RequestAborted)
                ?? throw ApiException.NotFound($"no unfinished job has key '{key}'");
            return TypedResults.Json(View(job), ApiJsonContext.Default.JobView);
        }
        catch (ArgumentException e)
        {
            throw ApiException.InvalidArgument(e.Message.Split(" (Parameter")[0]);
        }
    }

    private static async Task<JsonHttpResult<JobList>> ListAsync(string? state, string? limit, IJobScheduler jobs, HttpContext context)
    {
        JobState? wanted = null;
        if (state is not null)
        {
            wanted = JobStates.TryParse(state, out var parsed)
                ? parsed
                : throw ApiException.InvalidArgument($"state '{state}' is not one of scheduled, running, succeeded, failed, dead, cancelled");
        }

        var count = 100;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 1000))
        {
            throw ApiException.InvalidArgument($"limit must be 1 to 1000, got '{limit}'");
        }

        var list = await jobs.ListAsync(wanted, count, context.RequestAborted);
        return TypedResults.Json(new JobList([.. list.Select(job => View(job))]), ApiJsonContext.Default.JobList);
    }

    private static JsonHttpResult<ShardsView> Shards(IJobFiringState firing) =>
        TypedResults.Json(new ShardsView(firing.Node, firing.OwnedShards, firing.PendingCount), ApiJsonContext.Default.ShardsView);

    private static ApiException NoJob(string id) => ApiException.NotFound($"no job has id '{id}'");

    private static JobRequest Parse(ScheduleJobBody body)
    {
        if ((body.Http is null) == (body.Nats is null))
        {
            throw ApiException.InvalidArgument("give exactly one target: http (a callback URL) or nats (a subject)");
        }

        JobTarget target;
        try
        {
            target = body.Http is { } url
                ? Uri.TryCreate(url, UriKind.Absolute, out var uri) ? JobTarget.Http(uri) : throw new ArgumentException($"'{url}' is not an absolute http or https URL")
                : JobTarget.Nats(body.Nats!);
        }
        catch (ArgumentException e)
        {
            throw ApiException.InvalidArgument(e.Message.Split(" (Parameter")[0]);
        }

        var whens = (body.In is null ? 0 : 1) + (body.At is null ? 0 : 1) + (body.Cron is null ? 0 : 1);
        if (whens != 1)
        {
            throw ApiException.InvalidArgument("give exactly one time: in (a duration such as 10m), at (an ISO-8601 time) or cron (an expression such as \"*/5 * * * *\")");
        }

        TimeSpan? delay = null;
        if (body.In is { } inText)
        {
            delay = Duration.TryParse(inText, out var parsed) ? parsed : throw ApiException.InvalidArgument($"in: '{inText}' is not a duration; write it as 250ms, 30s, 10m, 2h or 1d");
        }

        DateTimeOffset? at = null;
        if (body.At is { } atText)
        {
            at = DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) && atText.Contains('T', StringComparison.Ordinal)
                ? parsed
                : throw ApiException.InvalidArgument($"at: '{atText}' is not an ISO-8601 time such as 2026-12-01T10:00:00Z");
        }

        TimeSpan? timeout = null;
        if (body.Timeout is { } timeoutText)
        {
            timeout = Duration.TryParse(timeoutText, out var parsed) ? parsed : throw ApiException.InvalidArgument($"timeout: '{timeoutText}' is not a duration; write it as 250ms, 10s or 1m");
        }

        var misfire = body.Misfire switch
        {
            null or "fire_once" => MisfirePolicy.FireOnce,
            "skip" => MisfirePolicy.Skip,
            _ => throw ApiException.InvalidArgument($"misfire '{body.Misfire}' is not fire_once or skip"),
        };

        return new JobRequest
        {
            Target = target,
            In = delay,
            At = at,
            Cron = body.Cron,
            Data = body.Data is { ValueKind: not JsonValueKind.Undefined } data ? data.GetRawText() : null,
            Key = body.Key,
            IdempotencyKey = body.IdempotencyKey,
            Retry = body.Attempts is { } attempts ? RetryPolicy.Default with { Attempts = attempts } : null,
            Timeout = timeout,
            Misfire = misfire,
        };
    }

    private static JobView View(Job job, ScheduleOutcome? outcome = null) => new(
        job.Id,
        job.State.ToWire(),
        job.Due,
        job.Cron,
        job.Target.KindName,
        job.Target.Address,
        DataOf(job.Data),
        job.Key,
        job.IdempotencyKey,
        job.Attempt,
        job.Retry.Attempts,
        (long)job.Timeout.TotalMilliseconds,
        job.Shard,
        job.Created,
        job.Updated,
        job.LastError,
        outcome switch
        {
            ScheduleOutcome.Created => "created",
            ScheduleOutcome.Replaced => "replaced",
            ScheduleOutcome.Existing => "existing",
            _ => null,
        });

    // Jobs scheduled through the node hold JSON; one an app scheduled may hold any text.
    private static JsonElement? DataOf(string? data)
    {
        if (data is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(data);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(data, ApiJsonContext.Default.String);
        }
    }
}
