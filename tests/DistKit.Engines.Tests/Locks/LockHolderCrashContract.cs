using System.Diagnostics;
using DistKit.Core.Leases;
using DistKit.Locks;
using DistKit.Postgres.Locks;
using DistKit.Redis.Locks;
using DistKit.Testing;
using Npgsql;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Locks;

/// <summary>
/// A holder that dies without releasing (its connection to the engine gone, as a crashed process
/// leaves it): its own handle reports the loss, and the next waiter gets the lock with a larger
/// token — not before the engine could know the holder was gone, and not much after. One small
/// class per backend says how its holders crash and what those two bounds are.
/// </summary>
public abstract class LockHolderCrashContract
{
    protected abstract Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync();

    /// <summary>Kills the holder's link to the engine with no release.</summary>
    protected abstract Task CrashAsync(IAsyncDisposable holderConnection, string name);

    /// <summary>
    /// Safety: how much longer the engine will keep <paramref name="name"/> for its holder, read from
    /// the engine itself (a key's expiry, a lease's TTL), so the bound does not depend on when the
    /// holder last renewed; zero where the lock goes with the holder's session.
    /// </summary>
    protected abstract Task<TimeSpan> EngineKeepsItForAsync(string name);

    /// <summary>Liveness: the latest, generous for a loaded machine.</summary>
    protected abstract TimeSpan TakeoverWithin { get; }

    [Fact(Timeout = 60_000)]
    public async Task HolderCrashes_ItsHandleIsLost_AndTheNextWaiterGetsTheLockInTime_WithALargerToken()
    {
        var name = "crash-" + Guid.NewGuid().ToString("N")[..10];
        var (holderLocks, holderConnection) = await ConnectAsync();
        var (waiterLocks, waiterConnection) = await ConnectAsync();
        await using var _ = waiterConnection;
        var held = await holderLocks.CreateLock(name).AcquireAsync(cancellationToken: TestContext.Current.CancellationToken);
        var lost = new TaskCompletionSource();
        using var onLost = held.Lost.Register(() => lost.TrySetResult());
        var waiting = waiterLocks.CreateLock(name).AcquireAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken).AsTask();

        // Started before the engine is asked, so the elapsed time never reads short of it.
        var clock = Stopwatch.StartNew();
        var notBefore = await EngineKeepsItForAsync(name);
        await CrashAsync(holderConnection, name);
        await using var next = await waiting;
        var tookOver = clock.Elapsed;

        Assert.True(next.FencingToken > held.FencingToken, $"token {next.FencingToken} after a crashed holder's {held.FencingToken}");
        Assert.True(tookOver >= notBefore - TimeSpan.FromMilliseconds(50), $"taken over {tookOver.TotalMilliseconds:F0} ms after the crash, while the engine still kept it for the holder ({notBefore.TotalMilliseconds:F0} ms)");
        Assert.True(tookOver <= TakeoverWithin, $"taken over only {tookOver.TotalMilliseconds:F0} ms after the crash");
        await lost.Task.WaitAsync(TakeoverWithin, TestContext.Current.CancellationToken);
        await held.DisposeAsync();
        await holderConnection.DisposeAsync();
    }
}

public sealed class RedisLockCrashTests(RedisFixture redis) : LockHolderCrashContract
{
    private static readonly LeaseOptions Lease = new() { Ttl = TimeSpan.FromSeconds(1), ClockDrift = TimeSpan.FromMilliseconds(500) };

    protected override async Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        return (new RedisLockProvider(connection, RedisLockOptions.Default with { Lease = Lease }), connection);
    }

    protected override async Task CrashAsync(IAsyncDisposable holderConnection, string name) => await holderConnection.DisposeAsync();

    protected override async Task<TimeSpan> EngineKeepsItForAsync(string name)
    {
        await using var probe = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        return await probe.GetDatabase().KeyTimeToLiveAsync(RedisLockProvider.KeysOf(name)[0]) ?? TimeSpan.Zero;
    }

    protected override TimeSpan TakeoverWithin => Lease.EngineTtl + TimeSpan.FromSeconds(3);
}

public sealed class EtcdLockCrashTests(EtcdFixture etcd) : LockHolderCrashContract
{
    private static readonly LeaseOptions Lease = new() { Ttl = TimeSpan.FromSeconds(2), ClockDrift = TimeSpan.FromMilliseconds(500) };

    protected override Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync()
    {
        var store = new DistKit.Etcd.Leases.EtcdLeaseStore(etcd.ConnectionString);
        return Task.FromResult<(IDistributedLockProvider, IAsyncDisposable)>((new DistKit.Etcd.Locks.EtcdLockProvider(store, Lease), new StoreDisposer(store)));
    }

    protected override async Task CrashAsync(IAsyncDisposable holderConnection, string name) => await holderConnection.DisposeAsync();

    // etcd counts the lease's TTL in whole seconds (rounded up) from the last keep-alive.
    private static TimeSpan EtcdTtl => TimeSpan.FromSeconds(Math.Ceiling(Lease.EngineTtl.TotalSeconds));

    // etcd reports a lease's TTL in whole seconds, rounded down: a second less is a sure bound.
    protected override async Task<TimeSpan> EngineKeepsItForAsync(string name)
    {
        using var client = new dotnet_etcd.EtcdClient(etcd.ConnectionString);
        var keys = await client.GetRangeAsync($"distkit/lock/{name}/", cancellationToken: TestContext.Current.CancellationToken);
        var holder = keys.Kvs.OrderBy(k => k.CreateRevision).First();
        var lease = await client.LeaseTimeToLiveAsync(new Etcdserverpb.LeaseTimeToLiveRequest { ID = holder.Lease }, cancellationToken: TestContext.Current.CancellationToken);
        return TimeSpan.FromSeconds(Math.Max(0, lease.TTL - 1));
    }

    protected override TimeSpan TakeoverWithin => EtcdTtl + TimeSpan.FromSeconds(4);

    private sealed class StoreDisposer(DistKit.Etcd.Leases.EtcdLeaseStore store) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            store.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

public sealed class PostgresLockCrashTests(PostgresFixture postgres) : LockHolderCrashContract
{
    private static readonly PostgresLockOptions Options = PostgresLockOptions.Default with { LivenessCheck = TimeSpan.FromMilliseconds(200) };

    protected override Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync()
    {
        var locks = new PostgresLockProvider(postgres.ConnectionString, Options);
        return Task.FromResult<(IDistributedLockProvider, IAsyncDisposable)>((locks, locks));
    }

    // The lock lives in the holder's session: end that session, as a crashed process's closed socket does.
    protected override async Task CrashAsync(IAsyncDisposable holderConnection, string name)
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var kill = dataSource.CreateCommand(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1");
        kill.Parameters.Add(new NpgsqlParameter { Value = PostgresLockProvider.KeyOf(name) });
        Assert.Equal(true, await kill.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    // A session lock goes with its session, at once: nothing to wait out.
    protected override Task<TimeSpan> EngineKeepsItForAsync(string name) => Task.FromResult(TimeSpan.Zero);

    protected override TimeSpan TakeoverWithin => TimeSpan.FromSeconds(10);
}

public sealed class RedlockCrashTests(SharedRedisTrio trio) : LockHolderCrashContract, IClassFixture<SharedRedisTrio>
{
    protected override async Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync()
    {
        var connections = await trio.ConnectAsync();
        return (new RedlockProvider(connections.Instances, RedlockContractTests.Options), connections);
    }

    protected override async Task CrashAsync(IAsyncDisposable holderConnection, string name) => await holderConnection.DisposeAsync();

    private static LeaseOptions Lease => RedlockContractTests.Options.Lease;

    // Free once a majority of the instances let the key go: the second-shortest expiry of three.
    protected override async Task<TimeSpan> EngineKeepsItForAsync(string name)
    {
        await using var probe = await trio.ConnectAsync();
        var left = new List<TimeSpan>();
        foreach (var instance in probe.Instances)
        {
            left.Add(await instance.GetDatabase().KeyTimeToLiveAsync(RedlockProvider.KeysOf(name)[0]) ?? TimeSpan.Zero);
        }

        return left.Order().ElementAt(1);
    }

    protected override TimeSpan TakeoverWithin => Lease.EngineTtl + TimeSpan.FromSeconds(4);
}
