using System.Diagnostics;
using DistKit.Core.Leases;
using DistKit.Locks;
using DistKit.Redis.Locks;
using DistKit.Testing;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Locks;

/// <summary>Three independent Redis servers, as Redlock wants them.</summary>
/// <param name="persistent">Append-only file with fsync on every write, so a restart keeps the data (Redlock's own advice).</param>
public class RedisTrio(bool persistent = false) : IAsyncLifetime
{
    public RedisServer[] Servers { get; } = [new(persistent), new(persistent), new(persistent)];

    public async ValueTask InitializeAsync() => await Task.WhenAll(Servers.Select(s => s.StartAsync()));

    /// <summary>One multiplexer per server, tolerant of servers that are down or come and go.</summary>
    public async Task<Connections> ConnectAsync()
    {
        var connections = new List<ConnectionMultiplexer>();
        foreach (var server in Servers)
        {
            var options = ConfigurationOptions.Parse(server.ConnectionString);
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = 1_000;
            connections.Add(await ConnectionMultiplexer.ConnectAsync(options));
        }

        return new Connections(connections);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Servers)
        {
            await server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    public sealed class Connections(List<ConnectionMultiplexer> instances) : IAsyncDisposable
    {
        public IReadOnlyList<IConnectionMultiplexer> Instances => instances;

        public async ValueTask DisposeAsync()
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }
}

/// <summary>The trio the contract tests share; fault tests start their own.</summary>
public sealed class SharedRedisTrio : RedisTrio;

public sealed class RedlockContractTests(SharedRedisTrio trio) : LockProviderContract, IClassFixture<SharedRedisTrio>
{
    internal static readonly RedlockOptions Options = RedlockOptions.Default with
    {
        Lease = new LeaseOptions { Ttl = TimeSpan.FromSeconds(2), ClockDrift = TimeSpan.FromMilliseconds(500) },

        // Generous for a loaded two-core CI machine; production would keep it small against the TTL.
        InstanceTimeout = TimeSpan.FromMilliseconds(250),
        RetryDelay = TimeSpan.FromMilliseconds(30),
    };

    protected override async Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync()
    {
        var connections = await trio.ConnectAsync();
        return (new RedlockProvider(connections.Instances, Options), connections);
    }

    protected override async Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectLongLivedAsync()
    {
        var connections = await trio.ConnectAsync();
        return (new RedlockProvider(connections.Instances, Options with { Lease = new LeaseOptions { Ttl = TimeSpan.FromSeconds(60) } }), connections);
    }

    protected override async Task AssertNoWaitersLeftAsync(string name)
    {
        // Redlock keeps no queue; a waiter that gave up must not have left a half-taken lock behind.
        await using var connections = await trio.ConnectAsync();
        var held = 0;
        foreach (var instance in connections.Instances)
        {
            held += await instance.GetDatabase().KeyExistsAsync(RedlockProvider.KeysOf(name)[0]) ? 1 : 0;
        }

        // The holder's key is on every instance; nothing else may be.
        Assert.True(held is 0 or 3, $"the lock key is on {held} of 3 instances");
    }
}

public sealed class RedlockFaultTests
{
    [Fact(Timeout = 90_000)]
    public async Task OneInstanceDown_LocksStillWork_AndAHeldLockSurvivesIt()
    {
        await using var trio = new RedisTrio();
        await trio.InitializeAsync();
        await using var connections = await trio.ConnectAsync();
        var locks = new RedlockProvider(connections.Instances, RedlockContractTests.Options);
        await using var held = await locks.CreateLock("one-down").AcquireAsync(cancellationToken: TestContext.Current.CancellationToken);

        await trio.Servers[0].KillAsync();

        // Three renewals after the kill (each resets the key's expiry on the live instances), and
        // past the TTL, it is still held by two of three.
        var live = connections.Instances[1].GetDatabase();
        var key = RedlockProvider.KeysOf("one-down")[0];
        var killedAt = Stopwatch.StartNew();
        var lastTtl = await live.KeyTimeToLiveAsync(key);
        var renewals = 0;
        var renewed = await Until.TrueAsync(
            async () =>
            {
                Assert.False(held.Lost.IsCancellationRequested, "Lost fired though a majority still held the lock");
                var ttl = await live.KeyTimeToLiveAsync(key);
                Assert.NotNull(ttl);
                renewals += ttl > lastTtl ? 1 : 0;
                lastTtl = ttl;
                return renewals >= 3 && killedAt.Elapsed >= RedlockContractTests.Options.Lease.Ttl;
            },
            TimeSpan.FromSeconds(30),
            TestContext.Current.CancellationToken);
        Assert.True(renewed, $"only {renewals} renewals seen on the live instances");

        Assert.False(held.Lost.IsCancellationRequested, "Lost fired though a majority still held the lock");
        await held.DisposeAsync();

        await using var next = await locks.CreateLock("one-down").AcquireAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.True(next.FencingToken > held.FencingToken);
        Assert.Null(await locks.CreateLock("one-down").TryAcquireAsync(cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 90_000)]
    public async Task MajorityDown_WhileHeld_FiresLost_AndTakingItIsAnOutage()
    {
        await using var trio = new RedisTrio();
        await trio.InitializeAsync();
        await using var connections = await trio.ConnectAsync();
        var locks = new RedlockProvider(connections.Instances, RedlockContractTests.Options);
        await using var held = await locks.CreateLock("majority-down").AcquireAsync(cancellationToken: TestContext.Current.CancellationToken);
        var lost = new TaskCompletionSource();
        using var onLost = held.Lost.Register(() => lost.TrySetResult());

        var clock = Stopwatch.StartNew();
        await trio.Servers[0].KillAsync();
        await trio.Servers[1].KillAsync();

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(clock.Elapsed <= RedlockContractTests.Options.Lease.Ttl + TimeSpan.FromSeconds(1), $"Lost took {clock.Elapsed.TotalMilliseconds:F0} ms");
        var refused = await Assert.ThrowsAsync<DistKit.Core.EngineUnavailableException>(async () => await locks.CreateLock("majority-down").TryAcquireAsync(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken));
        Assert.True(refused.IsTransient);
    }

    [Fact(Timeout = 90_000)]
    public async Task FencingTokens_KeepIncreasing_WhicheverInstanceIsDown()
    {
        await using var trio = new RedisTrio(persistent: true);
        await trio.InitializeAsync();
        await using var connections = await trio.ConnectAsync();
        var locks = new RedlockProvider(connections.Instances, RedlockContractTests.Options);
        var tokens = new List<long>();

        // Each round one instance is away, so every holder's majority differs from the last one's;
        // the counters only stay ordered because each holder writes its token back to its majority.
        for (var round = 0; round < 6; round++)
        {
            var away = trio.Servers[round % 3];
            await away.StopAsync();
            for (var i = 0; i <= round % 3; i++)
            {
                await using var handle = await locks.CreateLock("fencing").AcquireAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
                tokens.Add(handle.FencingToken);
            }

            await away.StartAsync(TestContext.Current.CancellationToken);
        }

        Assert.True(tokens.Zip(tokens.Skip(1)).All(p => p.Second > p.First), string.Join(' ', tokens));
    }
}
