using System.Runtime.CompilerServices;
using DistKit.Scheduling.Jobs;
using DistKit.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace DistKit.Sqlite.Jobs;

/// <summary>
/// The embedded job store: one SQLite file. Every step is one immediate transaction, so processes
/// sharing the file (on one machine) never claim the same job twice. Its watch reaches only its
/// own process: jobs another process schedules into the current window are picked up by the next
/// window load.
/// </summary>
public sealed class SqliteJobStore : IJobStore
{
    private const string Active = "(0, 1, 3)"; // scheduled, running, failed
    private static readonly string Schema = $"""
        CREATE TABLE IF NOT EXISTS jobs (
          id TEXT PRIMARY KEY, shard INTEGER NOT NULL, state INTEGER NOT NULL, due INTEGER NOT NULL, cron TEXT,
          target_kind INTEGER NOT NULL, target TEXT NOT NULL, data TEXT, key TEXT, idempotency_key TEXT,
          attempt INTEGER NOT NULL, attempts INTEGER NOT NULL, retry_initial_ms INTEGER NOT NULL, retry_max_ms INTEGER NOT NULL,
          timeout_ms INTEGER NOT NULL, misfire INTEGER NOT NULL, created INTEGER NOT NULL, updated INTEGER NOT NULL, last_error TEXT,
          claim_fence INTEGER, run_until INTEGER);
        CREATE UNIQUE INDEX IF NOT EXISTS jobs_by_key ON jobs (key) WHERE key IS NOT NULL AND state IN {Active};
        CREATE UNIQUE INDEX IF NOT EXISTS jobs_by_idempotency_key ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS jobs_due ON jobs (shard, due) WHERE state IN {Active};
        CREATE INDEX IF NOT EXISTS jobs_listed ON jobs (state, due);
        CREATE TABLE IF NOT EXISTS job_shards (shard INTEGER PRIMARY KEY, fence INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS job_nodes (node TEXT PRIMARY KEY, expires INTEGER NOT NULL);
        """;

    private static readonly string Insert = $"INSERT INTO jobs ({JobColumns.List}) VALUES ({string.Join(", ", Enumerable.Range(0, 19).Select(i => "$p" + i))}) RETURNING {JobColumns.List}";

    // A job that replaces one by business key keeps that job's id, shard and creation time.
    private static readonly string Replace = $"""
        UPDATE jobs SET state = 0, due = $p3, cron = $p4, target_kind = $p5, target = $p6, data = $p7, idempotency_key = COALESCE($p9, idempotency_key),
          attempt = 0, attempts = $p11, retry_initial_ms = $p12, retry_max_ms = $p13, timeout_ms = $p14, misfire = $p15, updated = $p17,
          last_error = NULL, claim_fence = NULL, run_until = NULL
        WHERE key = $p8 AND state IN {Active}
        RETURNING {JobColumns.List}
        """;

    private readonly SqliteFile _file;
    private readonly TimeProvider _time;

    /// <summary>Uses (and creates) the SQLite file at <paramref name="path"/>; <paramref name="time"/> stamps changes.</summary>
    public SqliteJobStore(string path, TimeProvider? time = null)
    {
        _file = new SqliteFile(path, Schema);
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Engine => "embedded";

    /// <inheritdoc />
    public ValueTask<ScheduledJob> ScheduleAsync(Job job, bool notify, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(() => ScheduleAsyncCore(job, notify, cancellationToken));

    /// <inheritdoc />
    public ValueTask<Job?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(() => GetAsyncCore(id, cancellationToken));

    /// <inheritdoc />
    public ValueTask<Job?> CancelAsync(string id, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(() => CancelAsyncCore(id, cancellationToken));

    /// <inheritdoc />
    public ValueTask<Job?> CancelByKeyAsync(string key, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(() => CancelByKeyAsyncCore(key, cancellationToken));

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Job>> ListAsync(JobState? state, int limit, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(() => ListAsyncCore(state, limit, cancellationToken));

    private async ValueTask<ScheduledJob> ScheduleAsyncCore(Job job, bool notify, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await using var connection = await _file.OpenAsync(cancellationToken);
        // Immediate: the write lock is taken up front, so two processes cannot both read "no such job".
        await using var transaction = connection.BeginTransaction(deferred: false);
        ScheduledJob result;
        if (job.IdempotencyKey is { } idempotencyKey
            && await SingleAsync(connection, transaction, $"SELECT {JobColumns.List} FROM jobs WHERE idempotency_key = $k", cancellationToken, ("$k", idempotencyKey)) is { } existing)
        {
            result = new(existing, ScheduleOutcome.Existing);
        }
        else if (job.Key is not null && await SingleAsync(connection, transaction, Replace, cancellationToken, Parameters(job)) is { } replaced)
        {
            result = new(replaced, ScheduleOutcome.Replaced);
        }
        else
        {
            result = new((await SingleAsync(connection, transaction, Insert, cancellationToken, Parameters(job)))!, ScheduleOutcome.Created);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private async ValueTask<Job?> GetAsyncCore(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        return await SingleAsync(connection, $"SELECT {JobColumns.List} FROM jobs WHERE id = $id", cancellationToken, ("$id", id));
    }

    private async ValueTask<Job?> CancelAsyncCore(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        return await SingleAsync(connection, $"UPDATE jobs SET state = 5, updated = $now, claim_fence = NULL, run_until = NULL WHERE id = $id AND state IN {Active} RETURNING {JobColumns.List}",
                cancellationToken, ("$id", id), ("$now", Now()))
            ?? await SingleAsync(connection, $"SELECT {JobColumns.List} FROM jobs WHERE id = $id", cancellationToken, ("$id", id));
    }

    private async ValueTask<Job?> CancelByKeyAsyncCore(string key, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        return await SingleAsync(connection, $"UPDATE jobs SET state = 5, updated = $now, claim_fence = NULL, run_until = NULL WHERE key = $key AND state IN {Active} RETURNING {JobColumns.List}",
            cancellationToken, ("$key", key), ("$now", Now()));
    }

    private async ValueTask<IReadOnlyList<Job>> ListAsyncCore(JobState? state, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {JobColumns.List} FROM jobs {(state is null ? "" : "WHERE state = $state")} ORDER BY due, id LIMIT $limit";
        command.Parameters.AddWithValue("$state", (int)(state ?? default));
        command.Parameters.AddWithValue("$limit", limit);
        var jobs = new List<Job>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            jobs.Add(JobColumns.Read(reader));
        }

        return jobs;
    }

    /// <inheritdoc />
    public async ValueTask<int> HeartbeatAsync(string node, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        var now = Now();
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO job_nodes (node, expires) VALUES ($node, $expires) ON CONFLICT (node) DO UPDATE SET expires = excluded.expires;
            DELETE FROM job_nodes WHERE expires < $now;
            SELECT count(*) FROM job_nodes;
            """;
        command.Parameters.AddWithValue("$node", node);
        command.Parameters.AddWithValue("$expires", now + (long)ttl.TotalMilliseconds);
        command.Parameters.AddWithValue("$now", now);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async ValueTask<long> OpenShardAsync(int shard, long fence, CancellationToken cancellationToken = default)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO job_shards (shard, fence) VALUES ($shard, $fence) ON CONFLICT (shard) DO UPDATE SET fence = max(fence, excluded.fence) RETURNING fence";
        command.Parameters.AddWithValue("$shard", shard);
        command.Parameters.AddWithValue("$fence", fence);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async ValueTask LeaveAsync(string node, CancellationToken cancellationToken = default)
    {
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM job_nodes WHERE node = $node";
        command.Parameters.AddWithValue("$node", node);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DueJob>> WaitingAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var waiting = new List<DueJob>();
        if (ids.Count == 0)
        {
            return waiting;
        }

        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, shard, due, updated FROM jobs WHERE id IN (SELECT value FROM json_each($ids)) AND state IN (0, 3)";
        command.Parameters.AddWithValue("$ids", System.Text.Json.JsonSerializer.Serialize(ids, SqliteJson.Default.IReadOnlyListString));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            waiting.Add(new DueJob(reader.GetString(0), reader.GetInt32(1), JobColumns.Time(reader, 2), reader.GetInt64(3)));
        }

        return waiting;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DueJob>> LoadDueAsync(IReadOnlyCollection<int> shards, DateTimeOffset until, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
        {
            return [];
        }

        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // A delivery left running under an older fence is due now; one past its time, just after it.
        command.CommandText = $"""
            SELECT j.id, j.shard, CASE WHEN j.state <> 1 THEN j.due WHEN j.claim_fence < s.fence THEN $now ELSE j.run_until + 1 END AS fire_at, j.updated
            FROM jobs j JOIN job_shards s ON s.shard = j.shard
            WHERE j.shard IN ({string.Join(", ", shards.Select(s => (long)s))}) AND j.state IN {Active}
              AND ((j.state IN (0, 3) AND j.due < $until) OR (j.state = 1 AND (j.claim_fence < s.fence OR j.run_until < $until)))
            ORDER BY fire_at LIMIT $limit
            """;
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$limit", limit);
        var due = new List<DueJob>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new DueJob(reader.GetString(0), reader.GetInt32(1), JobColumns.Time(reader, 2), reader.GetInt64(3)));
        }

        return due;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Job>> ClaimAsync(IReadOnlyList<JobClaim> claims, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var claimed = new List<Job>(claims.Count);
        if (claims.Count == 0)
        {
            return claimed;
        }

        await using var connection = await _file.OpenAsync(cancellationToken);
        // Immediate: the write lock is taken up front, so two processes cannot both read "no such job".
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            UPDATE jobs SET state = 1, attempt = attempt + 1, claim_fence = $fence, run_until = $now + 2 * timeout_ms + {RunGrace}, updated = $now
            WHERE id = $id AND shard = $shard AND (SELECT fence FROM job_shards WHERE shard = $shard) = $fence
              AND ((state IN (0, 3) AND due <= $now) OR (state = 1 AND (claim_fence < $fence OR run_until < $now)))
            RETURNING {JobColumns.List}
            """;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var shard = command.Parameters.Add("$shard", SqliteType.Integer);
        var fence = command.Parameters.Add("$fence", SqliteType.Integer);
        command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        foreach (var claim in claims)
        {
            id.Value = claim.Id;
            shard.Value = claim.Shard;
            fence.Value = claim.Fence;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(JobColumns.Read(reader));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completions);
        var landed = new bool[completions.Count];
        if (completions.Count == 0)
        {
            return landed;
        }

        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE jobs SET state = $state, due = COALESCE($next, due), attempt = CASE WHEN $reset THEN 0 ELSE attempt END,
              last_error = $error, updated = $now, claim_fence = NULL, run_until = NULL
            WHERE id = $id AND state = 1 AND attempt = $attempt AND claim_fence = $fence
              AND (SELECT fence FROM job_shards WHERE shard = $shard) = $fence
            """;
        var state = command.Parameters.Add("$state", SqliteType.Integer);
        var next = command.Parameters.Add("$next", SqliteType.Integer);
        var reset = command.Parameters.Add("$reset", SqliteType.Integer);
        var error = command.Parameters.Add("$error", SqliteType.Text);
        var now = command.Parameters.Add("$now", SqliteType.Integer);
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var attempt = command.Parameters.Add("$attempt", SqliteType.Integer);
        var fence = command.Parameters.Add("$fence", SqliteType.Integer);
        var shard = command.Parameters.Add("$shard", SqliteType.Integer);
        for (var i = 0; i < completions.Count; i++)
        {
            var completion = completions[i];
            state.Value = (int)JobColumns.StateAfter(completion.Outcome);
            next.Value = completion.NextDue is { } due ? due.ToUnixTimeMilliseconds() : DBNull.Value;
            reset.Value = completion.Outcome == CompletionOutcome.Next;
            error.Value = (object?)completion.Error ?? DBNull.Value;
            now.Value = completion.Now.ToUnixTimeMilliseconds();
            id.Value = completion.Id;
            attempt.Value = completion.Attempt;
            fence.Value = completion.Fence;
            shard.Value = completion.Shard;
            landed[i] = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }

        await transaction.CommitAsync(cancellationToken);
        return landed;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<DueJob> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Listening from the start: this process hands its own new jobs to its firing directly.
        yield return default;
        await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken);
    }

    // How long past twice its timeout (a wait for the receiver's slot, then the call) a delivery's
    // claim holds before the owner delivers it again: room for a completion retried against a busy store.
    private const long RunGrace = 30_000;

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static (string, object?)[] Parameters(Job job) =>
        [.. JobColumns.Values(job).Select((value, i) => ("$p" + i, value))];

    private static async Task<Job?> SingleAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await SingleAsync(connection, null, sql, cancellationToken, parameters);

    private static async Task<Job?> SingleAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? JobColumns.Read(reader) : null;
    }
}
