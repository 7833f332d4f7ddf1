using DistKit.Postgres.Jobs;
using DistKit.Redis.Jobs;
using DistKit.Scheduling.Jobs;
using DistKit.Sqlite.Jobs;
using DistKit.Testing;
using Npgsql;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Jobs;

public sealed class SqliteJobStoreTests : JobStoreContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-jobs-").FullName;
    private readonly SqliteJobStore _store;

    public SqliteJobStoreTests() => _store = new SqliteJobStore(Path.Combine(_dir, "jobs.db"));

    protected override IJobStore Store => _store;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

public sealed class PostgresJobStoreTests(PostgresFixture postgres) : JobStoreContract, IDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
    private PostgresJobStore? _store;

    protected override IJobStore Store => _store ??= new PostgresJobStore(_dataSource);

    [Fact(Timeout = 30_000)]
    public async Task Watch_TellsOfJobsScheduledWithNotify_OnceListening()
    {
        await using var watcher = NpgsqlDataSource.Create(postgres.ConnectionString);
        var watch = new PostgresJobStore(watcher).WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await watch.MoveNextAsync());
        Assert.Null(watch.Current.Id); // listening

        var quiet = (await Store.ScheduleAsync(NewJob(NewShard(), Now().AddSeconds(5)), notify: false, TestContext.Current.CancellationToken)).Job;
        var told = (await Store.ScheduleAsync(NewJob(NewShard(), Now().AddSeconds(5)), notify: true, TestContext.Current.CancellationToken)).Job;

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(new DueJob(told.Id, told.Shard, told.Due, told.Updated.ToUnixTimeMilliseconds()), watch.Current);
        Assert.NotEqual(quiet.Id, watch.Current.Id);
        await watch.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Claim_ByManyNodesAtOnce_GivesEachJobToExactlyOne()
    {
        var shard = NewShard();
        await Store.OpenShardAsync(shard, 1, TestContext.Current.CancellationToken);
        var jobs = new List<Job>();
        for (var i = 0; i < 200; i++)
        {
            jobs.Add((await Store.ScheduleAsync(NewJob(shard, Now().AddSeconds(-1)), false, TestContext.Current.CancellationToken)).Job);
        }

        var claims = jobs.Select(j => new JobClaim(j.Id, shard, 1)).ToList();
        var rounds = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            await using var own = NpgsqlDataSource.Create(postgres.ConnectionString);
            return await new PostgresJobStore(own).ClaimAsync(claims, Now(), TestContext.Current.CancellationToken);
        }));

        var claimed = rounds.SelectMany(r => r).Select(j => j.Id).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        // SKIP LOCKED may pass over rows another claimer holds; what it skipped is still claimable.
        var rest = await Store.ClaimAsync(claims, Now(), TestContext.Current.CancellationToken);
        Assert.Equal(jobs.Select(j => j.Id).Order(), claimed.Concat(rest.Select(j => j.Id)).Order());
    }

    public void Dispose() => _dataSource.Dispose();
}

public sealed class RedisJobStoreTests(RedisFixture redis) : JobStoreContract, IAsyncDisposable
{
    // A prefix of this test's own: the live-node count and every index are per prefix.
    private readonly string _prefix = "test-" + Guid.NewGuid().ToString("N")[..8] + ":{jobs}:";
    private ConnectionMultiplexer? _connection;
    private RedisJobStore? _store;

    protected override IJobStore Store => _store ??= new RedisJobStore(Connection, keyPrefix: _prefix);

    private ConnectionMultiplexer Connection => _connection ??= ConnectionMultiplexer.Connect(redis.ConnectionString);

    [Fact(Timeout = 30_000)]
    public async Task Watch_TellsOfJobsScheduledWithNotify_OnceListening()
    {
        await using var other = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var watch = new RedisJobStore(other, keyPrefix: _prefix).WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await watch.MoveNextAsync());
        Assert.Null(watch.Current.Id); // listening

        var quiet = (await Store.ScheduleAsync(NewJob(NewShard(), Now().AddSeconds(5)), notify: false, TestContext.Current.CancellationToken)).Job;
        var told = (await Store.ScheduleAsync(NewJob(NewShard(), Now().AddSeconds(5)), notify: true, TestContext.Current.CancellationToken)).Job;

        Assert.True(await watch.MoveNextAsync());
        Assert.Equal(new DueJob(told.Id, told.Shard, told.Due, told.Updated.ToUnixTimeMilliseconds()), watch.Current);
        Assert.NotEqual(quiet.Id, watch.Current.Id);
        await watch.DisposeAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task Watch_EndsWithEngineUnavailable_WhenTheServerGoesAway()
    {
        await using var server = new RedisServer();
        await server.StartAsync(TestContext.Current.CancellationToken);
        await using var connection = await Redis.Composition.RedisConnection.ConnectAsync(server.ConnectionString);
        var watch = new RedisJobStore(connection).WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await watch.MoveNextAsync());

        await server.KillAsync();

        // Whatever was published while it was gone is lost to pub/sub: the caller must reload.
        await Assert.ThrowsAsync<DistKit.Core.EngineUnavailableException>(async () => await watch.MoveNextAsync());
        await watch.DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task Schedule_KeepsAnEmptyPayloadEmpty_AndAMissingOneMissing()
    {
        var empty = (await Store.ScheduleAsync(NewJob(NewShard(), Now().AddMinutes(1), data: ""), false, TestContext.Current.CancellationToken)).Job;
        var none = (await Store.ScheduleAsync(NewJob(NewShard(), Now().AddMinutes(1), data: null), false, TestContext.Current.CancellationToken)).Job;

        Assert.Equal("", (await Store.GetAsync(empty.Id, TestContext.Current.CancellationToken))?.Data);
        Assert.Null((await Store.GetAsync(none.Id, TestContext.Current.CancellationToken))?.Data);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }
}
