using DistKit.Core.Leases;
using DistKit.Locks;
using DistKit.Redis.Locks;
using DistKit.Testing;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Locks;

public sealed class InProcessLockContractTests : FairLockProviderContract
{
    // Every "connection" shares one provider, as threads of one process share its locks.
    private readonly InProcessLockProvider _locks = new();

    protected override Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync() =>
        Task.FromResult<(IDistributedLockProvider, IAsyncDisposable)>((_locks, new Nothing()));

    protected override Task AssertNoWaitersLeftAsync(string name)
    {
        Assert.Equal(0, _locks.QueuedFor(name));
        return Task.CompletedTask;
    }

    protected override Task<int> QueuedAsync(string name) => Task.FromResult(_locks.QueuedFor(name));

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

public sealed class RedisLockContractTests(RedisFixture redis) : FairLockProviderContract
{
    private static readonly RedisLockOptions Options = RedisLockOptions.Default with
    {
        Lease = new LeaseOptions { Ttl = TimeSpan.FromSeconds(1), ClockDrift = TimeSpan.FromMilliseconds(500) },
    };

    protected override async Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        return (new RedisLockProvider(connection, Options), connection);
    }

    private static readonly RedisLockOptions LongLived = RedisLockOptions.Default with { Lease = new LeaseOptions { Ttl = TimeSpan.FromSeconds(60) } };

    protected override async Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectLongLivedAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        return (new RedisLockProvider(connection, LongLived), connection);
    }

    protected override async Task<int> QueuedAsync(string name)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        return (int)await connection.GetDatabase().SortedSetLengthAsync(RedisLockProvider.KeysOf(name)[2]);
    }

    protected override async Task AssertNoWaitersLeftAsync(string name)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var keys = RedisLockProvider.KeysOf(name);
        Assert.False(await connection.GetDatabase().KeyExistsAsync(keys[2]), "the waiter queue is left behind");
        Assert.False(await connection.GetDatabase().KeyExistsAsync(keys[3]), "the waiter deadlines are left behind");
    }

    [Fact(Timeout = 60_000)]
    public async Task StaleHandOverMessage_IsRefused_WhileAnotherHolderHasTheLock()
    {
        var name = NewName();
        var (holderLocks, holderConnection) = await ConnectAsync();
        var (waiterLocks, waiterConnection) = await ConnectAsync();
        await using var _ = holderConnection;
        await using var __ = waiterConnection;
        var held = await holderLocks.CreateLock(name).AcquireAsync(cancellationToken: TestContext.Current.CancellationToken);
        var waiting = waiterLocks.CreateLock(name).AcquireAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken).AsTask();

        // The waiter's token names its provider's inbox; replay a hand-over with a fence it has
        // already seen, as a message delayed past a lapsed hand-over would arrive.
        await using var spy = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var keys = RedisLockProvider.KeysOf(name);
        RedisValue token = default;
        for (var i = 0; i < 100 && token.IsNull; i++)
        {
            token = (await spy.GetDatabase().SortedSetRangeByRankAsync(keys[2], 0, 0)).FirstOrDefault();
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.False(token.IsNull, "the waiter never joined the queue");
        var inbox = ((string)token!)[(((string)token!).IndexOf('@', StringComparison.Ordinal) + 1)..];
        var counter = (long)await spy.GetDatabase().StringGetAsync(keys[1]);
        Assert.Equal(1, await spy.GetSubscriber().PublishAsync(RedisChannel.Literal(inbox), $"{token} {counter}"));

        // A waiter that took the stale message would stop polling; one that refused it keeps
        // refreshing its place in the queue. Three refreshes after the message reached its
        // connection show it was refused, not merely not yet read.
        var deadlineOf = async () => (string?)await spy.GetDatabase().HashGetAsync(keys[3], token);
        var seen = await deadlineOf();
        var refreshes = 0;
        await Until.TrueAsync(
            async () =>
            {
                var now = await deadlineOf();
                refreshes += now != seen ? 1 : 0;
                seen = now;
                return refreshes >= 3 || waiting.IsCompleted;
            },
            TimeSpan.FromSeconds(20),
            TestContext.Current.CancellationToken);

        Assert.False(waiting.IsCompleted, "the waiter took a lock another holder still has");
        await held.DisposeAsync();
        await using var next = await waiting;
        Assert.True(next.FencingToken > held.FencingToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task RedisRestartedWhileHeld_FiresLost()
    {
        await using var server = new RedisServer();
        await server.StartAsync(TestContext.Current.CancellationToken);
        var configuration = ConfigurationOptions.Parse(server.ConnectionString);
        configuration.AbortOnConnectFail = false;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        await using var held = await new RedisLockProvider(connection, Options).CreateLock("restart").AcquireAsync(cancellationToken: TestContext.Current.CancellationToken);
        var lost = new TaskCompletionSource();
        using var onLost = held.Lost.Register(() => lost.TrySetResult());

        await server.RestartAsync(TestContext.Current.CancellationToken);

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}

public sealed class EtcdLockContractTests(EtcdFixture etcd) : FairLockProviderContract
{
    private static readonly DistKit.Core.Leases.LeaseOptions Lease = new() { Ttl = TimeSpan.FromSeconds(2), ClockDrift = TimeSpan.FromMilliseconds(500) };

    protected override Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync()
    {
        var store = new DistKit.Etcd.Leases.EtcdLeaseStore(etcd.ConnectionString);
        return Task.FromResult<(IDistributedLockProvider, IAsyncDisposable)>((new DistKit.Etcd.Locks.EtcdLockProvider(store, Lease), new StoreDisposer(store)));
    }

    protected override Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectLongLivedAsync()
    {
        var store = new DistKit.Etcd.Leases.EtcdLeaseStore(etcd.ConnectionString);
        var lease = new DistKit.Core.Leases.LeaseOptions { Ttl = TimeSpan.FromSeconds(60) };
        return Task.FromResult<(IDistributedLockProvider, IAsyncDisposable)>((new DistKit.Etcd.Locks.EtcdLockProvider(store, lease), new StoreDisposer(store)));
    }

    protected override async Task<int> QueuedAsync(string name)
    {
        using var client = new dotnet_etcd.EtcdClient(etcd.ConnectionString);
        var keys = await client.GetRangeAsync($"distkit/lock/{name}/", cancellationToken: TestContext.Current.CancellationToken);
        return Math.Max(0, keys.Kvs.Count - 1);
    }

    protected override async Task AssertNoWaitersLeftAsync(string name)
    {
        using var client = new dotnet_etcd.EtcdClient(etcd.ConnectionString);
        var prefix = $"distkit/lock/{name}/";
        var keys = await client.GetRangeAsync(prefix, cancellationToken: TestContext.Current.CancellationToken);

        // Only the holder's key may remain.
        Assert.True(keys.Kvs.Count <= 1, $"{keys.Kvs.Count} keys left under {prefix}");
    }

    [Fact(Timeout = 60_000)]
    public async Task LeaseRevoked_FiresLost()
    {
        var name = NewName();
        var (locks, connection) = await ConnectAsync();
        await using var _ = connection;
        await using var held = await locks.CreateLock(name).AcquireAsync(cancellationToken: TestContext.Current.CancellationToken);
        var lost = new TaskCompletionSource();
        using var onLost = held.Lost.Register(() => lost.TrySetResult());

        using var client = new dotnet_etcd.EtcdClient(etcd.ConnectionString);
        var keys = await client.GetRangeAsync($"distkit/lock/{name}/", cancellationToken: TestContext.Current.CancellationToken);
        await client.LeaseRevokeAsync(new Etcdserverpb.LeaseRevokeRequest { ID = Assert.Single(keys.Kvs).Lease }, cancellationToken: TestContext.Current.CancellationToken);

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private sealed class StoreDisposer(DistKit.Etcd.Leases.EtcdLeaseStore store) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            store.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
