using DistKit.Cli.Client;
using DistKit.Core.Leases;
using DistKit.Etcd.Locks;
using DistKit.Locks;
using DistKit.Postgres.Locks;
using DistKit.Redis.Locks;
using DistKit.Server.Engines;
using DistKit.Server.Locks;
using DistKit.Server.Settings;
using Medallion.Threading.Postgres;
using Medallion.Threading.Redis;
using Npgsql;
using StackExchange.Redis;

namespace DistKit.Cli.Bench;

/// <summary>
/// The contenders <c>distkit bench locks</c> can run: DistKit per backend, and the peer
/// (madelson/DistributedLock) where there is one. The caller has checked the backend is configured.
/// </summary>
internal static class LockContenders
{
    public static ContenderFactory DistKit(string backend, EngineSettings engines, Uri? node) => backend switch
    {
        EngineNames.Redis => new("distkit", async (_, _) =>
        {
            var connections = new EngineConnections(engines);
            return new ProviderContender(new RedisLockProvider(await connections.RedisAsync(), RedisLockOptions.Default), connections);
        }),
        EngineNames.Redlock => new("distkit", async (_, _) =>
        {
            var connections = new EngineConnections(engines);
            return new ProviderContender(new RedlockProvider(await connections.RedlockAsync(), RedlockOptions.Default), connections);
        }),
        EngineNames.Etcd => new("distkit", async (_, _) =>
        {
            var connections = new EngineConnections(engines);
            return new ProviderContender(new EtcdLockProvider(await connections.EtcdAsync(), LeaseOptions.Default), connections);
        }),
        EngineNames.Postgres => new("distkit", (_, _) =>
            Task.FromResult<ILockContender>(new ProviderContender(new PostgresLockProvider(engines.Postgres!), null))),
        _ => new("distkit", (_, _) => Task.FromResult<ILockContender>(new NodeContender(new NodeClient(node!, Environment.GetEnvironmentVariable("DISTKIT_TOKEN"))))),
    };

    /// <summary>madelson/DistributedLock on the same server, or null where it has no backend to compare with.</summary>
    public static ContenderFactory? Peer(string backend, EngineSettings engines) => backend switch
    {
        EngineNames.Redis => new("DistributedLock.Redis", async (_, _) =>
        {
            var connections = new EngineConnections(engines);
            return new RedisPeer([await connections.RedisAsync()], connections);
        }),
        EngineNames.Redlock => new("DistributedLock.Redis (RedLock)", async (_, _) =>
        {
            var connections = new EngineConnections(engines);
            return new RedisPeer(await connections.RedlockAsync(), connections);
        }),
        EngineNames.Postgres => new("DistributedLock.Postgres", (client, _) =>
        {
            // A pool of its own per client, as a separate process would have.
            var connectionString = new NpgsqlConnectionStringBuilder(engines.Postgres!) { ApplicationName = $"distkit-bench-peer-{client}" }.ConnectionString;
            return Task.FromResult<ILockContender>(new PostgresPeer(connectionString));
        }),
        _ => null,
    };

    private sealed class ProviderContender(IDistributedLockProvider locks, IAsyncDisposable? connection) : ILockContender
    {
        public async ValueTask<BenchHold?> TryAcquireAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
        {
            var handle = await locks.CreateLock(name).TryAcquireAsync(wait, cancellationToken);
            return handle is null ? null : new BenchHold(handle.FencingToken, handle.DisposeAsync);
        }

        public ValueTask DisposeAsync() => connection?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    private sealed class NodeContender(NodeClient client) : ILockContender
    {
        public async ValueTask<BenchHold?> TryAcquireAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
        {
            var path = $"v1/locks/{Uri.EscapeDataString(name)}";
            try
            {
                var grant = await client.PostAsync<AcquireRequest, LockGrant>($"{path}:acquire", new AcquireRequest(15_000, (long)wait.TotalMilliseconds), cancellationToken);
                return new BenchHold(grant.FencingToken, async () =>
                    await client.PostAsync<TokenRequest, LockReleased>($"{path}:release", new TokenRequest(grant.Token, null), CancellationToken.None));
            }
            catch (NodeApiException e) when (e.Status == 409)
            {
                return null;
            }
        }

        public ValueTask DisposeAsync()
        {
            client.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    // One instance: DistributedLock's single-server lock; several: its RedLock over them. Connected
    // exactly as DistKit's own contenders are, so the two differ only in the library.
    private sealed class RedisPeer(IReadOnlyList<IConnectionMultiplexer> instances, EngineConnections connections) : ILockContender
    {
        private readonly IDatabase[] _databases = [.. instances.Select(i => i.GetDatabase())];

        public async ValueTask<BenchHold?> TryAcquireAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
        {
            var handle = await new RedisDistributedLock(name, _databases).TryAcquireAsync(wait, cancellationToken);
            return handle is null ? null : new BenchHold(null, handle.DisposeAsync);
        }

        public ValueTask DisposeAsync() => connections.DisposeAsync();
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
