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
            command.Parameters.Add(new NpgsqlParameter { Value = JobNotice.Text(result.Job) });
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
