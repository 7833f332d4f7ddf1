using DistKit.Ids.Segments;
using DistKit.Postgres.Ids;
using DistKit.Testing;
using Npgsql;

namespace DistKit.Engines.Tests.Segments;

public sealed class SqliteSegmentStoreTests : SegmentStoreContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-segments-").FullName;

    protected override ISegmentStore CreateStore() => new SqliteSegmentStore(Path.Combine(_dir, "segments.db"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

public sealed class PostgresSegmentStoreTests(PostgresFixture postgres) : SegmentStoreContract, IDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);

    protected override ISegmentStore CreateStore() => new PostgresSegmentStore(_dataSource);

    public void Dispose() => _dataSource.Dispose();
}
