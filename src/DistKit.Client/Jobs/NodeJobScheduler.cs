using System.Globalization;
using System.Text.Json;
using DistKit.Core;
using DistKit.Scheduling.Jobs;

namespace DistKit.Client.Jobs;

/// <summary>
/// <see cref="IJobScheduler"/> over a node's <c>/v1/jobs</c>: jobs the node stores and fires. The
/// node delivers HTTP callbacks (and NATS messages where it has NATS); handlers run only in apps
/// that fire jobs themselves (<c>AddJobs()</c>), so a handler target is refused here.
/// </summary>
/// <remarks>
/// The node takes a job's number of attempts but not its backoff delays (it uses its own), and its
/// data must be JSON text. A refusal by the node (400) is an <see cref="ArgumentException"/> with
/// the node's message; a node that cannot be reached is a transient <see cref="EngineUnavailableException"/>.
/// </remarks>
public sealed class NodeJobScheduler(NodeClient client) : IJobScheduler
{
    /// <inheritdoc />
    public async ValueTask<ScheduledJob> ScheduleAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Target, nameof(request.Target));
        if (request.Target.Kind == JobTargetKind.Handler)
        {
            throw new ArgumentException("a node delivers http and nats targets; a handler target needs AddJobs() in the app that maps it", nameof(request));
        }

        if (request.Data is { } data && !IsJson(data))
        {
            throw new ArgumentException("a job scheduled on a node carries JSON data", nameof(request));
        }

        var job = await Refused(() => client.ScheduleJobAsync(new NodeJobRequest
        {
            In = request.In is { } delay ? Duration.Format(delay) : null,
            At = request.At?.ToString("O", CultureInfo.InvariantCulture),
            Cron = request.Cron,
            Http = request.Target.Kind == JobTargetKind.Http ? request.Target.Address : null,
            Nats = request.Target.Kind == JobTargetKind.Nats ? request.Target.Address : null,
            Data = request.Data,
            Key = request.Key,
            IdempotencyKey = request.IdempotencyKey,
            Attempts = request.Retry?.Attempts,
            Timeout = request.Timeout is { } timeout ? Duration.Format(timeout) : null,
            Misfire = request.Misfire == MisfirePolicy.Skip ? "skip" : null,
        }, cancellationToken));
        var outcome = job.Outcome switch
        {
            "replaced" => ScheduleOutcome.Replaced,
            "existing" => ScheduleOutcome.Existing,
            _ => ScheduleOutcome.Created,
        };
        return new ScheduledJob(ToJob(job), outcome);
    }

    /// <inheritdoc />
    public async ValueTask<Job?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return JobIds.IsWellFormed(id) ? await OrNull(() => client.GetJobAsync(id, cancellationToken)) : null;
    }

    /// <inheritdoc />
    public async ValueTask<Job?> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return JobIds.IsWellFormed(id) ? await OrNull(() => client.CancelJobAsync(id, cancellationToken)) : null;
    }

    /// <inheritdoc />
    public async ValueTask<Job?> CancelByKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return await OrNull(() => Refused(() => client.CancelJobByKeyAsync(key, cancellationToken)));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Job>> ListAsync(JobState? state = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        return [.. (await client.ListJobsAsync(state?.ToWire(), limit, cancellationToken)).Select(ToJob)];
    }

    private static Job ToJob(NodeJob job) => new()
    {
        Id = job.Id,
        Shard = job.Shard,
        State = JobStates.TryParse(job.State, out var state) ? state : throw new NodeApiException(200, "unexpected_response", $"the node answered a job state '{job.State}'"),
        Due = job.Due,
        Cron = job.Cron,
        Target = JobTarget.TryParseKind(job.Target, out var kind) ? JobTarget.From(kind, job.Address) : throw new NodeApiException(200, "unexpected_response", $"the node answered a target '{job.Target}'"),
        Data = job.Data?.GetRawText(),
        Key = job.Key,
        IdempotencyKey = job.IdempotencyKey,
        Attempt = job.Attempt,
        Retry = RetryPolicy.Default with { Attempts = job.Attempts },
        Timeout = TimeSpan.FromMilliseconds(job.TimeoutMs),
        Created = job.Created,
        Updated = job.Updated,
        LastError = job.LastError,
    };

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<NodeJob> Refused(Func<Task<NodeJob>> call)
    {
        try
        {
            return await call();
        }
        catch (NodeApiException e) when (e.Status == 400)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    private static async Task<Job?> OrNull(Func<Task<NodeJob>> call)
    {
        try
        {
            return ToJob(await call());
        }
        catch (NodeApiException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
