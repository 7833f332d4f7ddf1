using DistKit.Core.Leases;
using DistKit.Redis.Leases;
using DistKit.Testing;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Leases;

public sealed class RedisLeaseTests(RedisFixture redis) : LeaseStoreContract
{
    protected override async Task<(ILeaseStore Store, IAsyncDisposable Connection)> ConnectAsync()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        return (new RedisLeaseStore(connection), connection);
    }

    protected override Task TakeAwayAsync(ILeaseStore store, Lease lease) => TakeAwayByNameAsync(store, lease.Name);

    protected override async Task TakeAwayByNameAsync(ILeaseStore store, string name)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await connection.GetDatabase().KeyDeleteAsync(((RedisLeaseStore)store).KeyOf(name));
    }

    [Fact(Timeout = 60_000)]
    public async Task RedisRestartedWhileHeld_FiresLost()
    {
        await using var server = new RedisServer();
        await server.StartAsync(TestContext.Current.CancellationToken);
        var options = ConfigurationOptions.Parse(server.ConnectionString);
        options.AbortOnConnectFail = false;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await using var lease = await new RedisLeaseStore(connection).TryAcquireAsync("restart", Brief, TestContext.Current.CancellationToken);
        Assert.NotNull(lease);
        var lost = new TaskCompletionSource();
        using var onLost = lease.Lost.Register(() => lost.TrySetResult());

        await server.RestartAsync(TestContext.Current.CancellationToken);

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }
}
