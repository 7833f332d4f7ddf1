using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DistKit.Postgres.Internal;
using DistKit.Scheduling.Jobs;
using Npgsql;

namespace DistKit.Postgres.Jobs;

/// <summary>
/// Jobs in PostgreSQL: one table indexed on (shard, due) for the unfinished jobs, claims as one
/// <c>UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED)</c> per batch, so firing nodes never wait on
/// each other's row locks, and <c>NOTIFY</c> to tell the shard's owner of a job due inside its
/// window. Fences live in a table of shards; a claim or completion under an older fence matches no row.
/// </summary>
/// <param name="dataSource">A pooled data source; not owned.</param>
/// <param name="time">Stamps changes. Default: the system clock.</param>
public sealed partial class PostgresJobStore(NpgsqlDataSource dataSource, TimeProvider? time = null) : IJobStore
{
    /// <summary>The channel jobs are announced on.</summary>
    public const string Channel = "distkit_jobs";

    private const string Active = "(0, 1, 3)"; // scheduled, running, failed
    private const long RunGrace = 30_000;
    private const int Attempts = 3;

    private static readonly string Insert =
        $"INSERT INTO distkit_jobs ({JobColumns.List}) VALUES ({string.Join(", ", Enumerable.Range(1, 19).Select(i => "$" + i))}) RETURNING {JobColumns.List}";

    // A job that replaces one by business key keeps that job's id, shard and creation time.
    private static readonly string Replace = $"""
        UPDATE distkit_jobs SET state = 0, due = $4, cron = $5, target_kind = $6, target = $7, data = $8, idempotency_key = COALESCE($10, idempotency_key),
          attempt = 0, attempts = $12, retry_initial_ms = $13, retry_max_ms = $14, timeout_ms = $15, misfire = $16, updated = $18,
          last_error = NULL, claim_fence = NULL, run_until = NULL
        WHERE key = $9 AND state IN {Active}
        RETURNING {JobColumns.List}
        """;

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly JobInserts _inserts = new(dataSource);
    private volatile bool _created;

    /// <inheritdoc />
    public string Engine => "postgres";

    /// <inheritdoc />
    public async ValueTask<ScheduledJob> ScheduleAsync(Job job, bool notify, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await EnsureSchemaAsync(cancellationToken);
                if (job.Key is null && job.IdempotencyKey is null)
                {
                    await _inserts.InsertAsync(job, notify, cancellationToken);
                    return new ScheduledJob(job, ScheduleOutcome.Created);
                }

                return await ScheduleWithKeysAsync(job, notify, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < Attempts)
            {
                // Another node stored the same key between our look and our insert: look again.
            }
            catch (Exception e) when (PostgresErrors.IsOutage(e))
            {
                throw PostgresErrors.Unavailable(e);
            }
        }
    }

    private async Task<ScheduledJob> ScheduleWithKeysAsync(Job job, bool notify, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        ScheduledJob result;
        if (job.IdempotencyKey is { } idempotencyKey
            && await SingleAsync(connection, $"SELECT {JobColumns.List} FROM distkit_jobs WHERE idempotency_key = $1", cancellationToken, idempotencyKey) is { } existing)
        {
            result = new(existing, ScheduleOutcome.Existing);
        }
        else if (job.Key is not null && await SingleAsync(connection, Replace, cancellationToken, JobColumns.Values(job)) is { } replaced)
        {
            result = new(replaced, ScheduleOutcome.Replaced);
        }
        else
        {
            result = new((await SingleAsync(connection, Insert, cancellationToken, JobColumns.Values(job)))!, ScheduleOutcome.Created);
        }

        if (notify && result.Outcome != ScheduleOutcome.Existing)
        {
            await using var command = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = Channel });
            command.Parameters.Add(new NpgsqlParameter { Value = NoticeText(result.Job) });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <inheritdoc />
    public ValueTask<Job?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        OneAsync($"SELECT {JobColumns.List} FROM distkit_jobs WHERE id = $1", cancellationToken, id);

    /// <inheritdoc />
    public async ValueTask<Job?> CancelAsync(string id, CancellationToken cancellationToken = default) =>
        await OneAsync($"UPDATE distkit_jobs SET state = 5, updated = $2, claim_fence = NULL, run_until = NULL WHERE id = $1 AND state IN {Active} RETURNING {JobColumns.List}",
            cancellationToken, id, Now())
        ?? await GetAsync(id, cancellationToken);

    /// <inheritdoc />
    public ValueTask<Job?> CancelByKeyAsync(string key, CancellationToken cancellationToken = default) =>
        OneAsync($"UPDATE distkit_jobs SET state = 5, updated = $2, claim_fence = NULL, run_until = NULL WHERE key = $1 AND state IN {Active} RETURNING {JobColumns.List}",
            cancellationToken, key, Now());

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Job>> ListAsync(JobState? state, int limit, CancellationToken cancellationToken = default)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken);
            await using var command = dataSource.CreateCommand(
                $"SELECT {JobColumns.List} FROM distkit_jobs WHERE $1 < 0 OR state = $1 ORDER BY due, id LIMIT $2");
            command.Parameters.Add(new NpgsqlParameter { Value = state is { } s ? (int)s : -1 });
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            var jobs = new List<Job>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                jobs.Add(JobColumns.Read(reader));
            }

            return jobs;
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> HeartbeatAsync(string node, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken);
            await using var batch = dataSource.CreateBatch();
            var beat = new NpgsqlBatchCommand("""
                INSERT INTO distkit_job_nodes (node, expires_at) VALUES ($1, clock_timestamp() + $2)
                ON CONFLICT (node) DO UPDATE SET expires_at = EXCLUDED.expires_at
                """);
            beat.Parameters.Add(new NpgsqlParameter { Value = node });
            beat.Parameters.Add(new NpgsqlParameter { Value = ttl });
            batch.BatchCommands.Add(beat);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("DELETE FROM distkit_job_nodes WHERE expires_at < clock_timestamp()"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT count(*) FROM distkit_job_nodes"));
            return (int)(long)(await batch.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> OpenShardAsync(int shard, long fence, CancellationToken cancellationToken = default)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken);
            await using var command = dataSource.CreateCommand("""
                INSERT INTO distkit_job_shards AS s (shard, fence) VALUES ($1, $2)
                ON CONFLICT (shard) DO UPDATE SET fence = greatest(s.fence, EXCLUDED.fence)
                RETURNING fence
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = shard });
            command.Parameters.Add(new NpgsqlParameter { Value = fence });
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }
    }

    /// <inheritdoc />
    public async ValueTask LeaveAsync(string node, CancellationToken cancellationToken = default)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken);
            await using var command = dataSource.CreateCommand("DELETE FROM distkit_job_nodes WHERE node = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = node });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DueJob>> WaitingAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        try
        {
            await EnsureSchemaAsync(cancellationToken);
            // Ids are hex digits and dashes: a comma-joined text needs no array type.
            await using var command = dataSource.CreateCommand(
                "SELECT id, shard, due, updated FROM distkit_jobs WHERE id = ANY (string_to_array($1, ',')) AND state IN (0, 3)");
            command.Parameters.Add(new NpgsqlParameter { Value = string.Join(',', ids) });
            var waiting = new List<DueJob>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                waiting.Add(new DueJob(reader.GetString(0), reader.GetInt32(1), JobColumns.Time(reader, 2), reader.GetInt64(3)));
            }

            return waiting;
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DueJob>> LoadDueAsync(IReadOnlyCollection<int> shards, DateTimeOffset until, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count == 0)
        {
            return [];
        }

        try
        {
            await EnsureSchemaAsync(cancellationToken);
            // Shards travel as text: the slim data source DistKit builds carries no array types.
            await using var command = dataSource.CreateCommand($"""
                SELECT j.id, j.shard, CASE WHEN j.state <> 1 THEN j.due WHEN j.claim_fence < s.fence THEN $2 ELSE j.run_until + 1 END AS fire_at, j.updated
                FROM distkit_jobs j JOIN distkit_job_shards s ON s.shard = j.shard
                WHERE j.shard = ANY (string_to_array($1, ',')::int[]) AND j.state IN {Active}
                  AND ((j.state IN (0, 3) AND j.due < $3) OR (j.state = 1 AND (j.claim_fence < s.fence OR j.run_until < $3)))
                ORDER BY fire_at LIMIT $4
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = string.Join(',', shards) });
            command.Parameters.Add(new NpgsqlParameter { Value = now.ToUnixTimeMilliseconds() });
            command.Parameters.Add(new NpgsqlParameter { Value = until.ToUnixTimeMilliseconds() });
            command.Parameters.Add(new NpgsqlParameter { Value = limit });
            var due = new List<DueJob>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new DueJob(reader.GetString(0), reader.GetInt32(1), JobColumns.Time(reader, 2), reader.GetInt64(3)));
            }

            return due;
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Job>> ClaimAsync(IReadOnlyList<JobClaim> claims, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claims);
        if (claims.Count == 0)
        {
            return [];
        }

        try
        {
            await EnsureSchemaAsync(cancellationToken);
            // SKIP LOCKED: a row another transaction holds right now (a cancel, a replace) is left
            // for the caller to look at again; waiting for its lock would only stall this batch.
            // FOR SHARE of the shard row: a claim and the next owner's OpenShard are serialized, so
            // no claim under the old fence commits after the new owner has opened the shard.
            await using var command = dataSource.CreateCommand($"""
                WITH wanted AS (
                  SELECT split_part(c, ':', 1) AS claim_id, split_part(c, ':', 2)::int AS claim_shard, split_part(c, ':', 3)::bigint AS claim_fence_with
                  FROM unnest(string_to_array($1, ',')) AS c),
                claimable AS (
                  SELECT j.id AS claim_id, w.claim_fence_with
                  FROM distkit_jobs j
                  JOIN wanted w ON j.id = w.claim_id AND j.shard = w.claim_shard
                  JOIN distkit_job_shards s ON s.shard = w.claim_shard AND s.fence = w.claim_fence_with
                  WHERE (j.state IN (0, 3) AND j.due <= $2) OR (j.state = 1 AND (j.claim_fence < w.claim_fence_with OR j.run_until < $2))
                  FOR UPDATE OF j SKIP LOCKED FOR SHARE OF s)
                UPDATE distkit_jobs j SET state = 1, attempt = j.attempt + 1, claim_fence = c.claim_fence_with, run_until = $2 + 2 * j.timeout_ms + {RunGrace}, updated = $2
                FROM claimable c WHERE j.id = c.claim_id
                RETURNING {string.Join(", ", JobColumns.List.Split(", ").Select(column => "j." + column))}
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = string.Join(',', claims.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Id}:{c.Shard}:{c.Fence}"))) });
            command.Parameters.Add(new NpgsqlParameter { Value = now.ToUnixTimeMilliseconds() });
            var claimed = new List<Job>(claims.Count);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(JobColumns.Read(reader));
            }

            return claimed;
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(completions);
        if (completions.Count == 0)
        {
            return [];
        }

        try
        {
            await EnsureSchemaAsync(cancellationToken);
            // One round trip, one implicit transaction; rows in id order, so two batches touching
            // the same rows cannot deadlock.
            var order = Enumerable.Range(0, completions.Count).OrderBy(i => completions[i].Id, StringComparer.Ordinal).ToArray();
            await using var batch = dataSource.CreateBatch();
            foreach (var i in order)
            {
                var completion = completions[i];
                var command = new NpgsqlBatchCommand("""
                    UPDATE distkit_jobs j SET state = $1, due = COALESCE($2, j.due), attempt = CASE WHEN $3 THEN 0 ELSE j.attempt END,
                      last_error = $4, updated = $5, claim_fence = NULL, run_until = NULL
                    WHERE j.id = $6 AND j.state = 1 AND j.attempt = $7 AND j.claim_fence = $8
                      AND EXISTS (SELECT 1 FROM distkit_job_shards s WHERE s.shard = $9 AND s.fence = $8 FOR SHARE)
                    """);
                command.Parameters.Add(new NpgsqlParameter { Value = (int)JobColumns.StateAfter(completion.Outcome) });
                command.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = completion.NextDue?.ToUnixTimeMilliseconds() });
                command.Parameters.Add(new NpgsqlParameter { Value = completion.Outcome == CompletionOutcome.Next });
                command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = completion.Error });
                command.Parameters.Add(new NpgsqlParameter { Value = completion.Now.ToUnixTimeMilliseconds() });
                command.Parameters.Add(new NpgsqlParameter { Value = completion.Id });
                command.Parameters.Add(new NpgsqlParameter { Value = completion.Attempt });
                command.Parameters.Add(new NpgsqlParameter { Value = completion.Fence });
                command.Parameters.Add(new NpgsqlParameter { Value = completion.Shard });
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
            var landed = new bool[completions.Count];
            for (var k = 0; k < order.Length; k++)
            {
                landed[order[k]] = batch.BatchCommands[k].RecordsAffected == 1;
            }

            return landed;
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<DueJob> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var notices = System.Threading.Channels.Channel.CreateUnbounded<DueJob>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        NpgsqlConnection connection;
        try
        {
            await EnsureSchemaAsync(cancellationToken);
            connection = await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }

        await using var _ = connection;
        connection.Notification += (_, notice) =>
        {
            foreach (var one in notice.Payload.Split(';'))
            {
                if (TryParseNotice(one, out var job))
                {
                    notices.Writer.TryWrite(job);
                }
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        yield return default;
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waiting = WaitLoopAsync(connection, notices.Writer, stopWaiting.Token);
        try
        {
            await foreach (var job in notices.Reader.ReadAllAsync(cancellationToken))
            {
                yield return job;
            }
        }
        finally
        {
            // The connection is busy waiting until the loop stops; it must be idle to be disposed.
            await stopWaiting.CancelAsync();
            await waiting;
        }
    }

    // Wakes for each notification; a quiet connection is checked every few seconds, so a server
    // that went away ends the watch instead of leaving it listening to nothing.
    private static async Task WaitLoopAsync(NpgsqlConnection connection, ChannelWriter<DueJob> notices, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                if (!await connection.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken))
                {
                    await using var ping = new NpgsqlCommand("SELECT 1", connection);
                    await ping.ExecuteScalarAsync(cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            notices.TryComplete();
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            notices.TryComplete(PostgresErrors.Unavailable(e));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            notices.TryComplete(e);
        }
    }

    /// <summary>A NOTIFY of one or more notices (<c>;</c>-separated).</summary>
    internal static NpgsqlBatchCommand Notice(string notices)
    {
        var command = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = Channel });
        command.Parameters.Add(new NpgsqlParameter { Value = notices });
        return command;
    }

    internal static string NoticeText(Job job) =>
        string.Create(CultureInfo.InvariantCulture, $"{job.Shard}:{job.Id}:{job.Due.ToUnixTimeMilliseconds()}:{job.Updated.ToUnixTimeMilliseconds()}");

    private static bool TryParseNotice(string payload, out DueJob job)
    {
        job = default;
        var parts = payload.Split(':');
        if (parts.Length != 4
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var shard)
            || !long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var due)
            || !long.TryParse(parts[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var version))
        {
            return false;
        }

        job = new DueJob(parts[1], shard, DateTimeOffset.FromUnixTimeMilliseconds(due), version);
        return true;
    }

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    // Typed, so a null binds as a typed null and PostgreSQL need not guess the column's type.
    private static NpgsqlParameter Parameter(object? value) => value switch
    {
        null => new NpgsqlParameter<string?> { TypedValue = null },
        _ => new NpgsqlParameter { Value = value },
    };

    private async ValueTask<Job?> OneAsync(string sql, CancellationToken cancellationToken, params object?[] values)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await SingleAsync(connection, sql, cancellationToken, values);
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }
    }

    private static async Task<Job?> SingleAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(Parameter(value));
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? JobColumns.Read(reader) : null;
    }

    private async ValueTask EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await using var command = dataSource.CreateCommand($"""
            CREATE TABLE IF NOT EXISTS distkit_jobs (
              id text PRIMARY KEY, shard int NOT NULL, state smallint NOT NULL, due bigint NOT NULL, cron text,
              target_kind smallint NOT NULL, target text NOT NULL, data text, key text, idempotency_key text,
              attempt int NOT NULL, attempts int NOT NULL, retry_initial_ms bigint NOT NULL, retry_max_ms bigint NOT NULL,
              timeout_ms bigint NOT NULL, misfire smallint NOT NULL, created bigint NOT NULL, updated bigint NOT NULL, last_error text,
              claim_fence bigint, run_until bigint);
            CREATE UNIQUE INDEX IF NOT EXISTS distkit_jobs_by_key ON distkit_jobs (key) WHERE key IS NOT NULL AND state IN {Active};
            CREATE UNIQUE INDEX IF NOT EXISTS distkit_jobs_by_idempotency_key ON distkit_jobs (idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE INDEX IF NOT EXISTS distkit_jobs_due ON distkit_jobs (shard, due) WHERE state IN {Active};
            CREATE INDEX IF NOT EXISTS distkit_jobs_listed ON distkit_jobs (state, due);
            CREATE TABLE IF NOT EXISTS distkit_job_shards (shard int PRIMARY KEY, fence bigint NOT NULL);
            CREATE TABLE IF NOT EXISTS distkit_job_nodes (node text PRIMARY KEY, expires_at timestamptz NOT NULL);
            """);
        await Schema.EnsureAsync(command, cancellationToken);
        _created = true;
    }
}
