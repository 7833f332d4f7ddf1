using DistKit.Core.Leases;
using DistKit.Etcd.Leases;
using DistKit.Ids.Workers;
using DistKit.Postgres.Leases;
using DistKit.Redis.Leases;
using DistKit.Testing;
using Npgsql;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Ids;

/// <summary>
/// What every worker-id source that promises uniqueness must do: never hand one live id to two
/// holders, stay inside the range asked for, and give the id back when told. One small class per
/// source; the engine-leased source runs on every engine.
/// </summary>
public abstract class WorkerIdSourceContract
{
    /// <summary>A source for <paramref name="scope"/>, on its own connection, as a separate process would have it.</summary>
    protected abstract Task<(IWorkerIdSource Source, IAsyncDisposable Connection)> ConnectAsync(string scope);

    private static string NewScope() => "workers-" + Guid.NewGuid().ToString("N")[..10];

    [Fact(Timeout = 30_000)]
    public async Task Acquire_GivesAnIdWithinTheRange()
    {
        var (source, connection) = await ConnectAsync(NewScope());
        await using var _ = connection;

        await using var lease = await source.AcquireAsync(maxId: 7, TestContext.Current.CancellationToken);

        Assert.InRange(lease.WorkerId, 0, 7);
        Assert.False(lease.Lost.IsCancellationRequested);
    }

    [Fact(Timeout = 30_000)]
    public async Task ASecondLiveHolder_NeverGetsTheSameId()
    {
        var scope = NewScope();
        var (first, firstConnection) = await ConnectAsync(scope);
        var (second, secondConnection) = await ConnectAsync(scope);
        await using var _ = firstConnection;
        await using var __ = secondConnection;
        await using var held = await first.AcquireAsync(maxId: 3, TestContext.Current.CancellationToken);

        // Either a different id or a refusal; the same id would mean duplicate ids.
        var others = new List<WorkerIdLease>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                try
                {
                    others.Add(await second.AcquireAsync(maxId: 3, TestContext.Current.CancellationToken));
                }
                catch (WorkerIdUnavailableException e)
                {
                    Assert.True(e.IsTransient, "a held id is a wait-and-retry, not a misconfiguration");
                }
            }

            var ids = others.Select(o => o.WorkerId).Append(held.WorkerId).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
        }
        finally
        {
            foreach (var other in others)
            {
                await other.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task Dispose_GivesTheIdBack_AndDisposingTwiceIsHarmless()
    {
        var (source, connection) = await ConnectAsync(NewScope());
        await using var _ = connection;
        var lease = await source.AcquireAsync(maxId: 0, TestContext.Current.CancellationToken);

        await lease.DisposeAsync();
        await lease.DisposeAsync();

        await AssertGivenBackAsync(lease);
    }

    /// <summary>Checks the source no longer counts <paramref name="lease"/>'s id as held by its holder, in the source's own way.</summary>
    protected abstract Task AssertGivenBackAsync(WorkerIdLease lease);
}

public sealed class FileWorkerIdSourceTests : WorkerIdSourceContract, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "distkit-worker-files", Guid.NewGuid().ToString("N"));
    private string? _lastPath;

    protected override Task<(IWorkerIdSource Source, IAsyncDisposable Connection)> ConnectAsync(string scope)
    {
        _lastPath = Path.Combine(_directory, scope + ".worker");
        return Task.FromResult<(IWorkerIdSource, IAsyncDisposable)>((new FileWorkerIdSource(_lastPath), new Nothing()));
    }

    // Given back = the file's lock is gone: another process can open it, and gets the same id.
    protected override async Task AssertGivenBackAsync(WorkerIdLease lease)
    {
        using (var file = new FileStream(_lastPath!, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            Assert.True(file.Length > 0);
        }

        await using var again = await new FileWorkerIdSource(_lastPath!).AcquireAsync(maxId: 0, TestContext.Current.CancellationToken);
        Assert.Equal(lease.WorkerId, again.WorkerId);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>The leased source on one engine: its lease names are the ids' records.</summary>
public abstract class LeasedWorkerIdSourceContract : WorkerIdSourceContract
{
    private static readonly LeaseOptions Lease = new() { Ttl = TimeSpan.FromSeconds(30) };

    private string? _scope;

    protected abstract Task<(ILeaseStore Store, IAsyncDisposable Connection)> ConnectStoreAsync();

    protected override async Task<(IWorkerIdSource Source, IAsyncDisposable Connection)> ConnectAsync(string scope)
    {
        _scope = scope;
        var (store, connection) = await ConnectStoreAsync();
        return (new LeasedWorkerIdSource(store, scope, Lease), connection);
    }

    // Abandoned, not released: the holder stops counting on it at once (Lost fires), but the engine
    // keeps the id until TTL + drift, so a next holder whose clock lags cannot reuse it early.
    protected override async Task AssertGivenBackAsync(WorkerIdLease lease)
    {
        Assert.True(lease.Lost.IsCancellationRequested, "the holder still counts on its id after dispose");
        var (store, connection) = await ConnectStoreAsync();
        await using var _ = connection;
        var name = new LeasedWorkerIdSource(NoStore.Instance, _scope!).LeaseName(lease.WorkerId);
        var early = await store.TryAcquireAsync(name, Lease, TestContext.Current.CancellationToken);
        Assert.True(early is null, $"worker id {lease.WorkerId} was free again right after dispose, before its TTL");
    }

    private sealed class NoStore : ILeaseStore
    {
        public static readonly NoStore Instance = new();

        public string Engine => "none";

        public ValueTask<DistKit.Core.Leases.Lease?> TryAcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}

public sealed class RedisWorkerIdSourceTests(RedisFixture redis) : LeasedWorkerIdSourceContract
{
    protected override async Task<(ILeaseStore Store, IAsyncDisposable Connection)> ConnectStoreAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        return (new RedisLeaseStore(connection), connection);
    }

}

public sealed class EtcdWorkerIdSourceTests(EtcdFixture etcd) : LeasedWorkerIdSourceContract
{
    protected override Task<(ILeaseStore Store, IAsyncDisposable Connection)> ConnectStoreAsync()
    {
        var store = new EtcdLeaseStore(etcd.ConnectionString);
        return Task.FromResult<(ILeaseStore, IAsyncDisposable)>((store, new Disposer(store)));
    }


    private sealed class Disposer(EtcdLeaseStore store) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            store.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

public sealed class PostgresWorkerIdSourceTests(PostgresFixture postgres) : LeasedWorkerIdSourceContract
{
    protected override Task<(ILeaseStore Store, IAsyncDisposable Connection)> ConnectStoreAsync()
    {
        var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        return Task.FromResult<(ILeaseStore, IAsyncDisposable)>((new PostgresLeaseStore(dataSource), dataSource));
    }

}
