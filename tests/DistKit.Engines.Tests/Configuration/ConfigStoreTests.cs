using DistKit.Configuration;
using DistKit.Etcd.Configuration;
using DistKit.Postgres.Configuration;
using DistKit.Sqlite.Configuration;
using DistKit.Testing;
using Npgsql;

namespace DistKit.Engines.Tests.Configuration;

public sealed class SqliteConfigCenterTests : ConfigCenterContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-config-").FullName;
    private readonly SqliteConfigStore _store;

    public SqliteConfigCenterTests() => _store = new SqliteConfigStore(Path.Combine(_dir, "config.db"));

    protected override IConfigStore Store => _store;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

public sealed class PostgresConfigCenterTests(PostgresFixture postgres) : ConfigCenterContract
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
    private PostgresConfigStore? _store;

    protected override IConfigStore Store => _store ??= new PostgresConfigStore(_dataSource);

    [Fact(Timeout = 30_000)]
    public async Task Watch_TellsOfAReleaseAnotherProcessPublished_AsItsRevision()
    {
        await using var listener = NpgsqlDataSource.Create(postgres.ConnectionString);
        var notices = new PostgresConfigStore(listener).WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await notices.MoveNextAsync());
        Assert.Equal(0, notices.Current); // listening

        var release = await Center().PublishAsync(NewNamespace(), [new ConfigChange("k", ConfigValueType.Text, "v")], "alice", null, TestContext.Current.CancellationToken);

        // Other tests' processes publish on this database too: their notices may come first, in order.
        var told = new List<long>();
        while (await notices.MoveNextAsync() && notices.Current != release.Revision)
        {
            told.Add(notices.Current);
        }

        Assert.Equal(release.Revision, notices.Current);
        Assert.All(told, revision => Assert.True(revision < release.Revision, $"notice {revision} came before {release.Revision}"));
        await notices.DisposeAsync();
    }

    protected override async ValueTask DisposeStoreAsync() => await _dataSource.DisposeAsync();
}

public sealed class EtcdConfigCenterTests(EtcdFixture etcd) : ConfigCenterContract
{
    // A prefix per test class instance: the contract's checks of the whole store's revision stay its own.
    private readonly EtcdConfigStore _store = new(etcd.ConnectionString, $"distkit-test/{Guid.NewGuid():N}/config/");

    protected override IConfigStore Store => _store;

    [Fact(Timeout = 30_000)]
    public async Task Watch_TellsOfAReleaseAnotherProcessPublished_AsItsRevision()
    {
        using var other = new EtcdConfigStore(etcd.ConnectionString, "distkit-test/watch-" + Guid.NewGuid().ToString("N") + "/");
        var notices = other.WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await notices.MoveNextAsync());
        Assert.Equal(0, notices.Current); // listening

        await using var center = new ConfigCenter(other);
        var release = await center.PublishAsync(NewNamespace(), [new ConfigChange("k", ConfigValueType.Text, "v")], "alice", null, TestContext.Current.CancellationToken);

        Assert.True(await notices.MoveNextAsync());
        Assert.Equal(release.Revision, notices.Current);
        await notices.DisposeAsync();
    }

    protected override ValueTask DisposeStoreAsync()
    {
        _store.Dispose();
        return ValueTask.CompletedTask;
    }
}
