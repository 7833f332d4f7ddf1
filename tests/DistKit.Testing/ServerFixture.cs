namespace DistKit.Testing;

/// <summary>
/// One server shared by every test that asks for it in a test assembly (declare it with
/// <c>[assembly: AssemblyFixture(typeof(RedisFixture))]</c>), so a suite starts each server once.
/// Tests that kill or restart a server start their own instead.
/// </summary>
public abstract class ServerFixture<TServer> : IAsyncLifetime
    where TServer : ServerProcess
{
    private TServer? _server;

    /// <summary>The running server.</summary>
    public TServer Server => _server ?? throw new InvalidOperationException("the fixture has not started yet");

    /// <summary>The server's connection string.</summary>
    public string ConnectionString => Server.ConnectionString;

    /// <summary>Creates the (not yet started) server.</summary>
    protected abstract TServer Create();

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        _server = Create();
        await _server.StartAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A shared Redis for a test assembly.</summary>
public sealed class RedisFixture : ServerFixture<RedisServer>
{
    /// <inheritdoc />
    protected override RedisServer Create() => new();
}

/// <summary>A shared etcd for a test assembly.</summary>
public sealed class EtcdFixture : ServerFixture<EtcdServer>
{
    /// <inheritdoc />
    protected override EtcdServer Create() => new();
}

/// <summary>A shared NATS with JetStream for a test assembly.</summary>
public sealed class NatsFixture : ServerFixture<NatsServer>
{
    /// <inheritdoc />
    protected override NatsServer Create() => new();
}

/// <summary>A shared PostgreSQL for a test assembly.</summary>
public sealed class PostgresFixture : ServerFixture<PostgresServer>
{
    /// <inheritdoc />
    protected override PostgresServer Create() => new();
}

/// <summary>A shared ZooKeeper for a test assembly.</summary>
public sealed class ZooKeeperFixture : ServerFixture<ZooKeeperServer>
{
    /// <inheritdoc />
    protected override ZooKeeperServer Create() => new();
}
