using Microsoft.Data.Sqlite;

namespace DistKit.Sqlite.Internal;

/// <summary>One SQLite file as DistKit's stores open it: pooled, WAL, waiting out other writers.</summary>
internal sealed class SqliteFile
{
    private readonly string _connectionString;
    private readonly string _schema;
    private volatile bool _ready;

    public SqliteFile(string path, string schema)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = full, Pooling = true, DefaultTimeout = 30 }.ToString();
        _schema = schema;
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragmas = connection.CreateCommand();
            // busy_timeout is per connection; WAL (set once, kept by the file) lets readers run
            // beside the one writer.
            pragmas.CommandText = _ready ? "PRAGMA busy_timeout = 30000;" : "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 30000; " + _schema;
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
            _ready = true;
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
