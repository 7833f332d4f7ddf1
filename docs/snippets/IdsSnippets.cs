using System.Globalization;
using DistKit.Etcd.Leases;
using DistKit.Ids;
using DistKit.Ids.Workers;
using DistKit.Postgres.Leases;
using DistKit.Redis.Composition;
using DistKit.Redis.Leases;
using Npgsql;
using StackExchange.Redis;

namespace DistKit.Docs.Snippets;

// docs/ids.md
internal static class IdsSnippets
{
    public static async Task ByHandAsync()
    {
        await using var lease = await new FileWorkerIdSource("data/ids/snowflake.worker").AcquireAsync(IdLayout.Snowflake.MaxNode);
        using var ids = new SnowflakeIdGenerator(
            new IdGeneratorOptions
            {
                Layout = IdLayout.Snowflake,
                Node = lease.WorkerId,
                TimeMarks = new FileTimeMarkStore($"data/ids/snowflake-{lease.WorkerId}.mark"),
            },
            fence: lease.Lost);

        long orderId = ids.NextId();          // ~35 ns, no allocation
        Span<long> batch = stackalloc long[256];
        ids.NextIds(batch);                   // whole runs of sequence numbers per CAS
    }

    public static async Task ManagedAsync(IConnectionMultiplexer redis)
    {
        await using var ids = new ManagedIdGenerator(
            new LeasedWorkerIdSource(new RedisLeaseStore(redis), IdLayout.Snowflake.StorageName),
            new ManagedIdGeneratorOptions { TimeMarksFor = worker => new FileTimeMarkStore($"data/ids/snowflake-{worker}.mark") });
        await ids.StartAsync();
        long id = ids.NextId();   // WorkerIdUnavailableException (IsTransient) while no worker id is held
    }

    public static void InAnApp(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddDistKit(builder.Configuration.GetSection("DistKit"))
            .AddRedis()     // worker ids leased in Redis when DistKit:Capabilities:Ids is redis
            .AddIds();      // IIdGenerator; a hosted service acquires the worker id at start
        var app = builder.Build();

        app.MapPost("/orders", (IIdGenerator ids) => Results.Ok(new { id = ids.NextId().ToString(CultureInfo.InvariantCulture) }));
    }

    public static async Task EveryWorkerIdSourceAsync()
    {
        IWorkerIdSource fromFile = new FileWorkerIdSource("data/ids/snowflake.worker");
        IWorkerIdSource fixedId = new StaticWorkerIdSource(7);
        IWorkerIdSource fromRedis = new LeasedWorkerIdSource(new RedisLeaseStore(await RedisConnection.ConnectAsync("localhost:6379")), "snowflake");
        IWorkerIdSource fromEtcd = new LeasedWorkerIdSource(new EtcdLeaseStore("http://localhost:2379"), "snowflake");
        IWorkerIdSource fromPostgres = new LeasedWorkerIdSource(new PostgresLeaseStore(NpgsqlDataSource.Create("Host=localhost;Username=app;Database=app")), "snowflake");
    }
}
