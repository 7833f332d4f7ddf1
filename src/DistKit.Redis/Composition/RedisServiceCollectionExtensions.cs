using DistKit.Core.Composition;
using DistKit.Core.Leases;
using DistKit.Locks;
using DistKit.Locks.Composition;
using DistKit.Redis.Composition;
using DistKit.Redis.Jobs;
using DistKit.Redis.Leases;
using DistKit.Redis.Locks;
using DistKit.Scheduling.Jobs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Redis engine: <c>services.AddDistKit(configuration).AddRedis()</c>.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>The engine's names in settings (<c>DistKit:Capabilities:Locks = redis</c>).</summary>
    public const string Redis = "redis";

    /// <summary>Redlock over the independent instances of <c>DistKit:Engines:Redlock</c>.</summary>
    public const string Redlock = "redlock";

    /// <summary>
    /// Registers Redis for every capability it serves: locks (<c>redis</c>, and <c>redlock</c> over
    /// several instances), worker-id leases for IDs, and the job store with its shard leases
    /// (<c>DistKit:Capabilities:Jobs = redis</c>). The connection comes from an
    /// <see cref="IConnectionMultiplexer"/> the app registered, else from <c>DistKit:Engines:Redis</c>;
    /// it is made on first use, once, and shared by every capability on Redis.
    /// </summary>
    public static DistKitBuilder AddRedis(this DistKitBuilder builder, Action<RedisEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = builder.Services.AddOptions<RedisEngineOptions>().Configure(redis =>
        {
            var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(RedisEngineOptions));
            redis.Configuration = settings.Text("Engines:Redis") ?? redis.Configuration;
            redis.Redlock = settings.Text("Engines:Redlock") ?? redis.Redlock;
        });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.AddSingleton<RedisConnections>();
        var redisMissing = (IServiceProvider services) =>
            services.GetRequiredService<RedisConnections>().Configured
                ? null
                : $"{builder.PathOf("Engines:Redis")} is not set (a StackExchange.Redis configuration such as localhost:6379), and the app registered no IConnectionMultiplexer";
        var redlockMissing = (IServiceProvider services) =>
            services.GetRequiredService<IOptions<RedisEngineOptions>>().Value.RedlockInstances.Count > 0
                ? null
                : $"{builder.PathOf("Engines:Redlock")} lists no instances; write them separated by ';', e.g. redis-a:6379;redis-b:6379;redis-c:6379";

        builder.Engines.Add(LocksOptions.Capability, Redis, redisMissing);
        builder.Engines.Add(LocksOptions.Capability, Redlock, redlockMissing);
        builder.Engines.Add("ids", Redis, redisMissing);
        builder.Engines.Add(JobsOptions.Capability, Redis, redisMissing);

        builder.Services.AddKeyedSingleton<ILeaseStore>(Redis, (services, _) =>
        {
            var connections = services.GetRequiredService<RedisConnections>();
            return new DeferredLeaseStore(Redis, async ct => new RedisLeaseStore(await connections.RedisAsync(ct)));
        });
        builder.Services.AddKeyedSingleton<IJobStore>(Redis, (services, _) =>
        {
            var connections = services.GetRequiredService<RedisConnections>();
            return new RedisJobStore(async ct => await connections.RedisAsync(ct), services.GetService<TimeProvider>());
        });
        builder.Services.AddKeyedSingleton<IDistributedLockProvider>(Redis, (services, _) =>
        {
            var connections = services.GetRequiredService<RedisConnections>();
            var lease = services.GetRequiredService<IOptions<LocksOptions>>().Value.Lease;
            return new DeferredLockProvider(Redis, async ct => new RedisLockProvider(await connections.RedisAsync(ct), RedisLockOptions.Default with { Lease = lease }));
        });
        builder.Services.AddKeyedSingleton<IDistributedLockProvider>(Redlock, (services, _) =>
        {
            var connections = services.GetRequiredService<RedisConnections>();
            var lease = services.GetRequiredService<IOptions<LocksOptions>>().Value.Lease;
            return new DeferredLockProvider(Redlock, async ct => new RedlockProvider(await connections.RedlockAsync(ct), RedlockOptions.Default with { Lease = lease }));
        });
        return builder;
    }
}
