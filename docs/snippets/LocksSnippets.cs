using DistKit.Client;
using DistKit.Client.Locks;
using DistKit.Etcd.Leases;
using DistKit.Etcd.Locks;
using DistKit.Locks;
using DistKit.Postgres.Locks;
using DistKit.Redis.Composition;
using DistKit.Redis.Locks;
using StackExchange.Redis;

namespace DistKit.Docs.Snippets;

// docs/locks.md
internal static class LocksSnippets
{
    public static async Task ApiAsync()
    {
        IDistributedLockProvider locks = new InProcessLockProvider();

        // Try-lock: null at once if someone holds it.
        await using (var handle = await locks.CreateLock("coupon:42").TryAcquireAsync())
        {
            if (handle is null) return;            // someone else got it: move on
            await Grant(handle.FencingToken);
        }

        // Blocking: first come, first served; TimeoutException after the wait.
        await using var job = await locks.CreateLock("nightly-report").AcquireAsync(TimeSpan.FromSeconds(30));
        await RunReport(job.Lost);                 // Lost fires when the lock can no longer be guaranteed
    }

    public static void InAnApp(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddDistKit(builder.Configuration.GetSection("DistKit"))
            .AddRedis()     // or .AddEtcd(), .AddPostgres(), .AddNode()
            .AddLocks();    // DistKit:Capabilities:Locks picks the engine, DistKit:Locks:Ttl the lease
        var app = builder.Build();

        app.MapPost("/reports/{name}", async (string name, IDistributedLockProvider locks, CancellationToken ct) =>
        {
            await using var held = await locks.CreateLock($"report:{name}").TryAcquireAsync(TimeSpan.Zero, ct);
            return held is null ? Results.Conflict() : Results.Ok(held.FencingToken);
        });
    }

    public static async Task EveryEngineAsync()
    {
        IDistributedLockProvider inProcess = new InProcessLockProvider();
        IDistributedLockProvider redis = new RedisLockProvider(await RedisConnection.ConnectAsync("localhost:6379"));
        IDistributedLockProvider redlock = new RedlockProvider(
        [
            await RedisConnection.ConnectAsync("redis-a:6379"),
            await RedisConnection.ConnectAsync("redis-b:6379"),
            await RedisConnection.ConnectAsync("redis-c:6379"),
        ]);
        IDistributedLockProvider etcd = new EtcdLockProvider(new EtcdLeaseStore("http://localhost:2379"));
        IDistributedLockProvider postgres = new PostgresLockProvider("Host=localhost;Username=app;Database=app");
        IDistributedLockProvider node = new NodeLockProvider(new NodeClient(new Uri("http://127.0.0.1:7070")));
    }

    public static string? Fencing(FencingGuard guard, long id, (long FencingToken, string Body) request)
    {
        // In the store's process (or as a WHERE fence <= @token condition in the store itself):
        if (!guard.TryAccept($"invoice:{id}", request.FencingToken))
            return Conflict("a newer lock holder has written this invoice");
        return null;
    }

    public static async Task RedlockAsync()
    {
        var instances = new[] { "redis-a:6379", "redis-b:6379", "redis-c:6379" }
            .Select(address => (IConnectionMultiplexer)ConnectionMultiplexer.Connect(address)).ToArray();
        var locks = new RedlockProvider(instances);   // quorum 2 of 3
        await using var handle = await locks.CreateLock("nightly-report").AcquireAsync(TimeSpan.FromSeconds(30));
    }

    private static Task Grant(long fencingToken) => Task.CompletedTask;

    private static Task RunReport(CancellationToken lost) => Task.CompletedTask;

    private static string Conflict(string message) => message;
}
