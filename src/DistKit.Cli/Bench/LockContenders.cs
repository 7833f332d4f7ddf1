using DistKit.Cli.Conventions;
using DistKit.Redis.Composition;
using DistKit.Locks;
using DistKit.Server.Settings;
using Medallion.Threading.Postgres;
using Medallion.Threading.Redis;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace DistKit.Cli.Bench;

/// <summary>
/// The contenders <c>distkit bench locks</c> can run: DistKit per backend, and the peer
/// (madelson/DistributedLock) where there is one. The caller has checked the backend is configured.
/// </summary>
internal static class LockContenders
{
    // Each client composes its own services, as a separate process would: its own connections.
    public static ContenderFactory DistKit(string backend, NodeSettings settings, Uri? node) => new("distkit", async (_, _) =>
    {
        var services = await CliEngines.ComposeAsync(settings, distKit =>
        {
            if (node is not null)
            {
                distKit.AddNode(n => (n.Url, n.Token) = (node, Environment.GetEnvironmentVariable("DISTKIT_TOKEN")));
            }

            distKit.AddLocks(locks => locks.Engine = backend);
        });
        return new ProviderContender(services.GetRequiredService<IDistributedLockProvider>(), services);
    });

    /// <summary>madelson/DistributedLock on the same server, or null where it has no backend to compare with.</summary>
    public static ContenderFactory? Peer(string backend, NodeSettings settings) => backend switch
    {
        RedisServiceCollectionExtensions.Redis => new("DistributedLock.Redis", async (_, _) =>
            new RedisPeer([await RedisConnection.ConnectAsync(settings.Setting("Engines:Redis")!)])),
        RedisServiceCollectionExtensions.Redlock => new("DistributedLock.Redis (RedLock)", async (_, _) =>
        {
            var instances = new List<IConnectionMultiplexer>();
            foreach (var instance in new RedisEngineOptions { Redlock = settings.Setting("Engines:Redlock") }.RedlockInstances)
            {
                instances.Add(await RedisConnection.ConnectAsync(instance));
            }

            return new RedisPeer(instances);
        }),
        PostgresServiceCollectionExtensions.Postgres => new("DistributedLock.Postgres", (client, _) =>
        {
            // A pool of its own per client, as a separate process would have.
            var connectionString = new NpgsqlConnectionStringBuilder(settings.Setting("Engines:Postgres")!) { ApplicationName = $"distkit-bench-peer-{client}" }.ConnectionString;
            return Task.FromResult<ILockContender>(new PostgresPeer(connectionString));
        }),
        _ => null,
    };

    private sealed class ProviderContender(IDistributedLockProvider locks, IAsyncDisposable services) : ILockContender
    {
        public async ValueTask<BenchHold?> TryAcquireAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
        {
            var handle = await locks.CreateLock(name).TryAcquireAsync(wait, cancellationToken);
            return handle is null ? null : new BenchHold(handle.FencingToken, handle.DisposeAsync);
        }

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }

    // One instance: DistributedLock's single-server lock; several: its RedLock over them. Connected
    // exactly as DistKit's own contenders are, so the two differ only in the library.
    private sealed class RedisPeer(IReadOnlyList<IConnectionMultiplexer> instances) : ILockContender
    {
        private readonly IDatabase[] _databases = [.. instances.Select(i => i.GetDatabase())];

        public async ValueTask<BenchHold?> TryAcquireAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
        {
            var handle = await new RedisDistributedLock(name, _databases).TryAcquireAsync(wait, cancellationToken);
            return handle is null ? null : new BenchHold(null, handle.DisposeAsync);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    private sealed class PostgresPeer(string connectionString) : ILockContender
    {
        public async ValueTask<BenchHold?> TryAcquireAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
        {
            var handle = await new PostgresDistributedLock(new PostgresAdvisoryLockKey(name, allowHashing: true), connectionString).TryAcquireAsync(wait, cancellationToken);
            return handle is null ? null : new BenchHold(null, handle.DisposeAsync);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
