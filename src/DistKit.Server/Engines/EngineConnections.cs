using System.Collections.Concurrent;
using DistKit.Core.Leases;
using DistKit.Etcd.Leases;
using DistKit.Postgres.Leases;
using DistKit.Redis.Leases;
using DistKit.Server.Settings;
using Npgsql;
using StackExchange.Redis;

namespace DistKit.Server.Engines;

/// <summary>
/// One connection per configured engine, made on first use and shared by every capability, so a
/// node holds one Redis multiplexer and one PostgreSQL pool however many capabilities use them.
/// </summary>
public sealed class EngineConnections(EngineSettings engines) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ILeaseStore>>> _leaseStores = new(StringComparer.Ordinal);
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly Lazy<NpgsqlDataSource> _postgres = new(() => NpgsqlDataSource.Create(
        engines.Postgres ?? throw new InvalidOperationException("no postgres connection is configured (DISTKIT_POSTGRES)")));

    /// <summary>The PostgreSQL pool, shared by every capability that uses PostgreSQL.</summary>
    public NpgsqlDataSource Postgres
    {
        get
        {
            var created = _postgres.IsValueCreated;
            var dataSource = _postgres.Value;
            if (!created)
            {
                Own(dataSource);
            }

            return dataSource;
        }
    }

    private readonly Lazy<Task<ConnectionMultiplexer>> _redis = new(() => ConnectRedisAsync(engines));

    /// <summary>The Redis multiplexer, shared by every capability that uses Redis.</summary>
    public async Task<IConnectionMultiplexer> RedisAsync()
    {
        var created = _redis.IsValueCreated;
        var redis = await _redis.Value;
        if (!created)
        {
            Own(redis);
        }

        return redis;
    }

    private static Task<ConnectionMultiplexer> ConnectRedisAsync(EngineSettings engines) =>
        ConnectAsync(engines.Redis ?? throw new InvalidOperationException("no redis connection is configured (DISTKIT_REDIS)"));

    /// <summary>Connects a StackExchange.Redis configuration the way every DistKit engine use wants it.</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);

        // Leases and locks must notice an outage and recover from it, not fail the process at
        // start; a Redlock instance that is down must cost a "no" from it, not the process.
        options.AbortOnConnectFail = false;

        // Back within a second or two of Redis returning, not after an exponential backoff grown
        // over the outage (the client's default reaches about 10 s); a reconnect attempt to a
        // local server is cheap.
        options.ReconnectRetryPolicy = new LinearRetry(1_000);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private readonly Lazy<Task<IReadOnlyList<ConnectionMultiplexer>>> _redlock = new(() => ConnectRedlockAsync(engines));

    /// <summary>One multiplexer per Redlock instance, shared by every capability that uses Redlock.</summary>
    public async Task<IReadOnlyList<IConnectionMultiplexer>> RedlockAsync()
    {
        var created = _redlock.IsValueCreated;
        var instances = await _redlock.Value;
        if (!created)
        {
            foreach (var instance in instances)
            {
                Own(instance);
            }
        }

        return instances;
    }

    private static async Task<IReadOnlyList<ConnectionMultiplexer>> ConnectRedlockAsync(EngineSettings engines)
    {
        var instances = engines.RedlockInstances;
        if (instances.Count == 0)
        {
            throw new InvalidOperationException("no redlock instances are configured (DISTKIT_REDLOCK, ';'-separated)");
        }

        var connections = new List<ConnectionMultiplexer>();
        foreach (var instance in instances)
        {
            connections.Add(await ConnectAsync(instance));
        }

        return connections;
    }

    /// <summary>The etcd connection, shared by every capability that uses etcd.</summary>
    public async Task<EtcdLeaseStore> EtcdAsync() => (EtcdLeaseStore)await LeaseStoreAsync(EngineNames.Etcd);

    /// <summary>The lease store of <paramref name="engine"/> (<c>redis</c>, <c>etcd</c>, <c>postgres</c>).</summary>
    /// <exception cref="InvalidOperationException">The engine has no connection string, or has no lease store.</exception>
    public Task<ILeaseStore> LeaseStoreAsync(string engine) =>
        _leaseStores.GetOrAdd(engine, e => new Lazy<Task<ILeaseStore>>(() => CreateLeaseStoreAsync(e))).Value;

    private async Task<ILeaseStore> CreateLeaseStoreAsync(string engine)
    {
        var connectionString = engines.ConnectionString(engine)
            ?? throw new InvalidOperationException($"no {engine} connection is configured (DISTKIT_{engine.ToUpperInvariant()})");
        switch (engine)
        {
            case EngineNames.Redis:
                return new RedisLeaseStore(await RedisAsync());
            case EngineNames.Postgres:
                return new PostgresLeaseStore(Postgres);
            case EngineNames.Etcd:
                var etcd = new EtcdLeaseStore(connectionString.Split(',')[0].Trim());
                Own(new SyncDisposer(etcd));
                return etcd;
            default:
                throw new InvalidOperationException($"engine '{engine}' has no lease store");
        }
    }

    private void Own(IAsyncDisposable resource)
    {
        lock (_owned)
        {
            _owned.Add(resource);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        List<IAsyncDisposable> owned;
        lock (_owned)
        {
            owned = [.. _owned];
            _owned.Clear();
        }

        foreach (var resource in owned)
        {
            await resource.DisposeAsync();
        }
    }

    private sealed class SyncDisposer(IDisposable inner) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            inner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
