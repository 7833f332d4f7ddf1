using System.Text.Json;

namespace DistKit.Client;

/// <summary>A job to schedule on a node (<c>POST /v1/jobs</c>): one of <see cref="In"/>, <see cref="At"/> and <see cref="Cron"/>; one of <see cref="Http"/> and <see cref="Nats"/>.</summary>
public sealed record NodeJobRequest
{
    /// <summary>Due after this duration, in DistKit's syntax (<c>3500ms</c>, <c>10m</c>).</summary>
    public string? In { get; init; }

    /// <summary>Due at this ISO-8601 time with its offset.</summary>
    public string? At { get; init; }

    /// <summary>Fired at each occurrence of this cron expression, in UTC.</summary>
    public string? Cron { get; init; }

    /// <summary>The callback URL: a POST whose body is exactly <see cref="Data"/>.</summary>
    public string? Http { get; init; }

    /// <summary>The NATS subject.</summary>
    public string? Nats { get; init; }

    /// <summary>The payload: JSON text, sent and delivered exactly as written.</summary>
    public string? Data { get; init; }

    /// <summary>A business key: replaces the unfinished job with the same key.</summary>
    public string? Key { get; init; }

    /// <summary>Submitting again with it returns the first job.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Attempts in all, 1 to 100 (default: the node's).</summary>
    public int? Attempts { get; init; }

    /// <summary>How long one delivery may take (<c>10s</c>; default: the node's).</summary>
    public string? Timeout { get; init; }

    /// <summary>For cron jobs: <c>fire_once</c> (default) or <c>skip</c>.</summary>
    public string? Misfire { get; init; }
}

/// <summary>A job as a node shows it.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="State">scheduled, running, succeeded, failed, dead or cancelled.</param>
/// <param name="Due">When it fires next.</param>
/// <param name="Cron">The cron expression of a recurring job.</param>
/// <param name="Target">handler, http or nats.</param>
/// <param name="Address">The handler name, URL or subject.</param>
/// <param name="Data">The payload.</param>
/// <param name="Key">The business key.</param>
/// <param name="IdempotencyKey">The idempotency key.</param>
/// <param name="Attempt">Deliveries started so far.</param>
/// <param name="Attempts">Attempts allowed.</param>
/// <param name="TimeoutMs">The delivery timeout.</param>
/// <param name="Shard">The job's shard.</param>
/// <param name="Created">When it was first scheduled.</param>
/// <param name="Updated">When it last changed.</param>
/// <param name="LastError">Why the last attempt failed.</param>
/// <param name="Outcome">On schedule only: created, replaced or existing.</param>
public sealed record NodeJob(
    string Id, string State, DateTimeOffset Due, string? Cron, string Target, string Address, JsonElement? Data,
    string? Key, string? IdempotencyKey, int Attempt, int Attempts, long TimeoutMs, int Shard,
    DateTimeOffset Created, DateTimeOffset Updated, string? LastError, string? Outcome);

/// <summary>The answer of <c>GET /v1/jobs</c>.</summary>
/// <param name="Jobs">The jobs, soonest due first.</param>
public sealed record NodeJobList(IReadOnlyList<NodeJob> Jobs);
