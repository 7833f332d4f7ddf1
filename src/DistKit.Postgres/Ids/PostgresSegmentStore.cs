using DistKit.Ids.Segments;
using Npgsql;

namespace DistKit.Postgres.Ids;

/// <summary>
/// Segment blocks from a PostgreSQL table shared by every process: one row per key, moved forward
/// by a single upsert (a row lock for the length of one statement), so blocks never overlap.
/// </summary>
/// <param name="dataSource">A pooled data source; not owned.</param>
/// <param name="table">The table, created on first use. Default: <c>distkit_segments</c>.</param>
public sealed class PostgresSegmentStore(NpgsqlDataSource dataSource, string table = "distkit_segments") : ISegmentStore
{
    private readonly string _table = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    private volatile bool _ready;

    /// <inheritdoc />
    public async ValueTask<IdBlock> AllocateAsync(string key, long size, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        try
        {
            return await AllocateCoreAsync(key, size, cancellationToken);
        }
        catch (Exception e) when (Internal.PostgresErrors.IsOutage(e))
        {
            throw Internal.PostgresErrors.Unavailable(e);
        }
    }

    private async ValueTask<IdBlock> AllocateCoreAsync(string key, long size, CancellationToken cancellationToken)
    {
        if (!_ready)
        {
            await using var create = dataSource.CreateCommand($"CREATE TABLE IF NOT EXISTS {_table} (key text PRIMARY KEY, next_id bigint NOT NULL)");
            await Internal.Schema.EnsureAsync(create, cancellationToken);

            _ready = true;
        }

        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {_table} AS s (key, next_id) VALUES ($1, 1 + $2)
            ON CONFLICT (key) DO UPDATE SET next_id = s.next_id + $2
            RETURNING next_id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = size });
        var end = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new IdBlock(end - size, end);
    }
}
