using DistKit.Ids.Segments;
using DistKit.Sqlite.Ids;
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

    // A fresh-clone run hit 42710 (duplicate row type) from concurrent CREATE TABLE IF NOT EXISTS;
    // the race is timing-dependent, so this exercises concurrent first use rather than forcing it.
    [Fact(Timeout = 60_000)]
    public async Task ManyProcessesCreatingTheTableAtOnce_AllSucceed()
    {
        var table = "segments_race_" + Guid.NewGuid().ToString("N")[..8];
        var blocks = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var own = NpgsqlDataSource.Create(postgres.ConnectionString);
            return await new PostgresSegmentStore(own, table).AllocateAsync("k", 10, TestContext.Current.CancellationToken);
        }));
        Assert.Equal(8, blocks.Select(b => b.Start).Distinct().Count());
    }

    public void Dispose() => _dataSource.Dispose();
}
