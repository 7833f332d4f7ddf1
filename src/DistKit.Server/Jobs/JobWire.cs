using System.Text.Json;

namespace DistKit.Server.Jobs;

/// <summary>Body of <c>POST /v1/jobs</c>: one of <c>in</c>, <c>at</c>, <c>cron</c>; one of <c>http</c>, <c>nats</c>.</summary>
/// <param name="In">Due after this duration (<c>3500ms</c>, <c>10m</c>).</param>
/// <param name="At">Due at this ISO-8601 time with its offset (<c>2026-12-01T10:00:00Z</c>).</param>
/// <param name="Cron">Fired at each occurrence of this cron expression, in UTC.</param>
/// <param name="Http">The callback URL: a POST whose body is exactly <c>data</c>.</param>
/// <param name="Nats">The NATS subject to publish <c>data</c> to.</param>
/// <param name="Data">The payload: any JSON value, kept and delivered as written.</param>
/// <param name="Key">A business key: replaces the unfinished job with the same key.</param>
/// <param name="IdempotencyKey">Submitting again with it returns the first job.</param>
/// <param name="Attempts">Attempts in all, 1 to 100 (default: the node's Jobs:Attempts, 3).</param>
/// <param name="Timeout">How long one delivery may take, 1ms to 60s (default: the node's Jobs:Timeout, 10s).</param>
/// <param name="Misfire">For cron jobs: <c>fire_once</c> (default) or <c>skip</c>.</param>
public sealed record ScheduleJobBody(
    string? In, string? At, string? Cron, string? Http, string? Nats, JsonElement? Data,
    string? Key, string? IdempotencyKey, int? Attempts, string? Timeout, string? Misfire);

/// <summary>A job as the node shows it.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="State">scheduled, running, succeeded, failed, dead or cancelled.</param>
/// <param name="Due">When it fires next (its retry time when failed), ISO-8601 UTC.</param>
/// <param name="Cron">The cron expression of a recurring job.</param>
/// <param name="Target">handler, http or nats.</param>
/// <param name="Address">The handler name, URL or subject.</param>
/// <param name="Data">The payload, as written.</param>
/// <param name="Key">The business key.</param>
/// <param name="IdempotencyKey">The idempotency key.</param>
/// <param name="Attempt">Deliveries started so far (of this occurrence, for cron).</param>
/// <param name="Attempts">Attempts allowed.</param>
/// <param name="TimeoutMs">The delivery timeout.</param>
/// <param name="Shard">The shard the job is in.</param>
/// <param name="Created">When it was first scheduled.</param>
/// <param name="Updated">When it last changed.</param>
/// <param name="LastError">Why the last attempt failed.</param>
/// <param name="Outcome">On schedule only: created, replaced or existing.</param>
public sealed record JobView(
    string Id, string State, DateTimeOffset Due, string? Cron, string Target, string Address, JsonElement? Data,
    string? Key, string? IdempotencyKey, int Attempt, int Attempts, long TimeoutMs, int Shard,
    DateTimeOffset Created, DateTimeOffset Updated, string? LastError, string? Outcome);

/// <summary>The answer of <c>GET /v1/jobs</c>.</summary>
/// <param name="Jobs">The jobs, soonest due first.</param>
public sealed record JobList(IReadOnlyList<JobView> Jobs);

/// <summary>The answer of <c>GET /v1/jobs/shards</c>: what this node fires.</summary>
/// <param name="Node">The node's name among the firing nodes (new at each start).</param>
/// <param name="Shards">The shards it owns, in order.</param>
/// <param name="Pending">Jobs waiting in its timing wheel.</param>
public sealed record ShardsView(string Node, IReadOnlyList<int> Shards, int Pending);
