using DistKit.Ids;
using DistKit.Ids.Workers;
using DistKit.Locks;
using DistKit.Locks.Composition;
using DistKit.Redis.Leases;
using DistKit.Redis.Locks;
using DistKit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Composition;

/// <summary>
/// <c>services.AddDistKit(configuration).Add…()</c> as an app writes it, in a real host, on real
/// engines: what it registers works, and what is misconfigured stops the host at start.
/// </summary>
public sealed class CompositionTests(RedisFixture redis, EtcdFixture etcd, PostgresFixture postgres)
{
    [Fact(Timeout = 60_000)]
    public async Task AppOnRedis_IssuesIncreasingIds_HoldsAnExclusiveLock_AndKeepsBothInRedis()
    {
        using var dataDir = new TempDir();
        using var host = Host(new()
        {
            ["DistKit:DataDir"] = dataDir.Path,
            ["DistKit:Engines:Redis"] = redis.ConnectionString,
            ["DistKit:Capabilities:Locks"] = "redis",
            ["DistKit:Capabilities:Ids"] = "redis",
            ["DistKit:Locks:Ttl"] = "10s",
        }, distKit => distKit.AddRedis().AddLocks().AddIds());
        await host.StartAsync(TestContext.Current.CancellationToken);

        var ids = host.Services.GetRequiredService<IIdGenerator>();
        var first = ids.NextId();
        var second = ids.NextId();
        var locks = host.Services.GetRequiredService<IDistributedLockProvider>();
        var name = "composition-" + Guid.NewGuid().ToString("N")[..8];
        await using var held = await locks.CreateLock(name).TryAcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        await using var refused = await locks.CreateLock(name).TryAcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);

        Assert.True(second > first, $"{second} after {first}");
        Assert.NotNull(held);
        Assert.Null(refused);
        Assert.Equal("redis", locks.Backend);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = connection.GetDatabase();
        Assert.True(await db.KeyExistsAsync(RedisLockProvider.KeysOf(name)[0]), "the lock is a key in Redis");
        var workerId = ((ManagedIdGenerator)ids).WorkerId!.Value;
        var workerKey = new RedisLeaseStore(connection).KeyOf(new LeasedWorkerIdSource(new RedisLeaseStore(connection), IdLayout.Snowflake.StorageName).LeaseName(workerId));
        Assert.True(await db.KeyExistsAsync(workerKey), $"the worker id {workerId} is a lease in Redis ({workerKey})");
        var ttl = await db.KeyTimeToLiveAsync(RedisLockProvider.KeysOf(name)[0]);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(11));

        await host.StopAsync(TestContext.Current.CancellationToken);
        Assert.Single(Directory.GetFiles(Path.Combine(dataDir.Path, "ids"), $"*-{workerId}.mark"));
    }

    [Fact(Timeout = 60_000)]
    public async Task AppOnEtcdAndPostgres_LocksThroughTheEngineTheSettingsName()
    {
        foreach (var (engine, key, value) in new[] { ("etcd", "Etcd", etcd.ConnectionString), ("postgres", "Postgres", postgres.ConnectionString) })
        {
            using var host = Host(new()
            {
                [$"DistKit:Engines:{key}"] = value,
                ["DistKit:Capabilities:Locks"] = engine,
            }, distKit => distKit.AddEtcd().AddPostgres().AddLocks());
            await host.StartAsync(TestContext.Current.CancellationToken);
            var locks = host.Services.GetRequiredService<IDistributedLockProvider>();
            var name = "composition-" + Guid.NewGuid().ToString("N")[..8];

            await using var held = await locks.CreateLock(name).TryAcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
            await using var refused = await locks.CreateLock(name).TryAcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);

            Assert.Equal(engine, locks.Backend);
            Assert.NotNull(held);
            Assert.Null(refused);
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Theory(Timeout = 30_000)]
    [InlineData("DistKit:Locks:Ttl", "15x", "DistKit:Locks:Ttl: '15x' is not a duration")]
    [InlineData("DistKit:Locks:Ttl", "2h", "DistKit:Locks:Ttl: Ttl must be 1 s to 1 h")]
    [InlineData("DistKit:Capabilities:Locks", "etcd", "DistKit:Capabilities:Locks: 'etcd' is not an engine registered for locks; registered: embedded, redis, redlock (add the DistKit.Etcd package and call AddEtcd())")]
    [InlineData("DistKit:Capabilities:Locks", "redis", "DistKit:Engines:Redis is not set")]
    [InlineData("DistKit:Ids:ClockPolicy", "sometimes", "DistKit:Ids:ClockPolicy: 'sometimes' is not one of: wait, fail, logical")]
    [InlineData("DistKit:Ids:Worker", "-3", "DistKit:Ids:Worker: '-3' is not a whole number from 0")]
    [InlineData("DistKit:Ids:Layout", "snowflak", "DistKit:Ids:Layout: ")]
    public async Task BadSetting_StopsTheHostAtStart_NamingTheKey(string key, string value, string expected)
    {
        using var dataDir = new TempDir();
        using var host = Host(new() { ["DistKit:DataDir"] = dataDir.Path, [key] = value }, distKit => distKit.AddRedis().AddLocks().AddIds());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dataDir.Path));
    }

    [Fact(Timeout = 30_000)]
    public async Task EngineNames_AreReadWithoutCase()
    {
        using var host = Host(new() { ["DistKit:Engines:Redis"] = redis.ConnectionString, ["DistKit:Capabilities:Locks"] = "Redis" }, distKit => distKit.AddRedis().AddLocks());
        await host.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal("redis", host.Services.GetRequiredService<IDistributedLockProvider>().Backend);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task PostgresLocks_WithOnlyAnAppDataSource_StopTheHost_NamingTheConnectionString()
    {
        // Npgsql drops the password from a data source's ConnectionString: locks, which open
        // sessions of their own, cannot be made from it.
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(postgres.ConnectionString);
        using var host = Host(new() { ["DistKit:Capabilities:Locks"] = "postgres" }, distKit =>
        {
            distKit.Services.AddSingleton(dataSource);
            distKit.AddPostgres().AddLocks();
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("DistKit:Engines:Postgres is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task SettingsInCode_OverrideTheConfiguration()
    {
        using var host = Host(new() { ["DistKit:Capabilities:Locks"] = "redis" }, distKit => distKit.AddRedis(r => r.Configuration = redis.ConnectionString).AddLocks(l => l.Engine = "embedded"));
        await host.StartAsync(TestContext.Current.CancellationToken);

        var locks = Assert.IsType<InstrumentedLockProvider>(host.Services.GetRequiredService<IDistributedLockProvider>());
        Assert.IsType<InProcessLockProvider>(locks.Inner);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task AppRegisteredMultiplexer_IsUsed_AndNotDisposedByDistKit()
    {
        await using var own = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        using (var host = Host(new() { ["DistKit:Capabilities:Locks"] = "redis" }, distKit =>
        {
            distKit.Services.AddSingleton<IConnectionMultiplexer>(own);
            distKit.AddRedis().AddLocks();
        }))
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            var name = "composition-own-" + Guid.NewGuid().ToString("N")[..8];
            await using (var held = await host.Services.GetRequiredService<IDistributedLockProvider>().CreateLock(name).TryAcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken))
            {
                Assert.NotNull(held);
                Assert.True(await own.GetDatabase().KeyExistsAsync(RedisLockProvider.KeysOf(name)[0]));
            }

            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        Assert.True(own.IsConnected, "DistKit disposed a connection the app owns");
    }

    private static IHost Host(Dictionary<string, string?> settings, Action<Core.Composition.DistKitBuilder> register)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        register(builder.Services.AddDistKit(builder.Configuration.GetSection("DistKit")));
        return builder.Build();
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("distkit-composition-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
