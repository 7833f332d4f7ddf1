using Microsoft.Data.Sqlite;

using DistKit.Ids.Segments;

namespace DistKit.Sqlite.Ids;

/// <summary>
/// The embedded segment store: one SQLite file, one row per key, moved forward by a single
/// upsert, so processes on one machine sharing the file never get overlapping blocks.
/// </summary>
public sealed class SqliteSegmentStore : ISegmentStore
{
    private readonly string _connectionString;
    private volatile bool _ready;

    /// <summary>Uses (and creates) the SQLite file at <paramref name="path"/>.</summary>
    public SqliteSegmentStore(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Pooling = true, DefaultTimeout = 30 }.ToString();
    }

    /// <inheritdoc />
    public async ValueTask<IdBlock> AllocateAsync(string key, long size, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await EnsureSchemaAsync(connection, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO segments (key, next_id) VALUES ($key, 1 + $size)
            ON CONFLICT (key) DO UPDATE SET next_id = next_id + $size
            RETURNING next_id
            """;
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$size", size);
        var end = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new IdBlock(end - size, end);
    }

    private async ValueTask EnsureSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        // Idempotent, so racing first callers are harmless. WAL lets other processes read while
        // one writes; busy_timeout waits out their writes instead of failing.
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            PRAGMA busy_timeout = 30000;
            CREATE TABLE IF NOT EXISTS segments (key TEXT PRIMARY KEY, next_id INTEGER NOT NULL);
            """;
        await command.ExecuteNonQueryAsync(cancellationToken);
        _ready = true;
    }
}
