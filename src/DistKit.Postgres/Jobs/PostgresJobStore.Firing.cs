using System.Globalization;
using DistKit.Postgres.Internal;
using DistKit.Scheduling.Jobs;
using Npgsql;

namespace DistKit.Postgres.Jobs;

// What the firing service asks of the store: liveness, shard fences, due jobs, claims and completions.
public sealed partial class PostgresJobStore
{
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
}
