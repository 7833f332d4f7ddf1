using DistKit.Core.Composition;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace DistKit.Redis.Composition;

/// <summary>
/// The Redis connections of one app: the app's own <see cref="IConnectionMultiplexer"/> if it
/// registered one (never disposed here), else one made from <c>DistKit:Engines:Redis</c>; and one
/// per Redlock instance. Each is made on first use and shared by every capability on Redis.
/// </summary>
public sealed class RedisConnections : IAsyncDisposable
{
    private readonly IConnectionMultiplexer? _appOwned;
    private readonly OnFirstUse<ConnectionMultiplexer> _redis;
    private readonly OnFirstUse<RedlockInstances> _redlock;
    private readonly RedisEngineOptions _options;

    /// <summary>Creates the connections from the app's registrations and options; connects nothing yet.</summary>
    public RedisConnections(IServiceProvider services, IOptions<RedisEngineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _appOwned = services.GetService<IConnectionMultiplexer>();
        _redis = new(_ => RedisConnection.ConnectAsync(_options.Configuration
            ?? throw new InvalidOperationException("no Redis connection is configured (DistKit:Engines:Redis)")));
        _redlock = new(_ => ConnectRedlockAsync(_options.RedlockInstances));
    }

    /// <summary>Whether there is a Redis to connect to.</summary>
    public bool Configured => _appOwned is not null || _options.Configuration is not null;

    /// <summary>The shared multiplexer.</summary>
    public async Task<IConnectionMultiplexer> RedisAsync(CancellationToken cancellationToken = default) =>
        _appOwned ?? await _redis.GetAsync(cancellationToken);

    /// <summary>One multiplexer per Redlock instance, in order.</summary>
    public async Task<IReadOnlyList<IConnectionMultiplexer>> RedlockAsync(CancellationToken cancellationToken = default) =>
        (await _redlock.GetAsync(cancellationToken)).Connections;

    private static async Task<RedlockInstances> ConnectRedlockAsync(IReadOnlyList<string> instances)
    {
        if (instances.Count == 0)
        {
            throw new InvalidOperationException("no Redlock instances are configured (DistKit:Engines:Redlock, ';'-separated)");
        }

        var connections = new List<IConnectionMultiplexer>();
        try
        {
            foreach (var instance in instances)
            {
                connections.Add(await RedisConnection.ConnectAsync(instance));
            }
        }
        catch
        {
            foreach (var made in connections)
            {
                await made.DisposeAsync();
            }

            throw;
        }

        return new RedlockInstances(connections);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Each waits for a connect still under way, then disposes what it made.
        await _redis.DisposeAsync();
        await _redlock.DisposeAsync();
    }

    // The Redlock multiplexers as one disposable value, so a dispose that races their connect still frees them.
    private sealed class RedlockInstances(List<IConnectionMultiplexer> connections) : IAsyncDisposable
    {
        public IReadOnlyList<IConnectionMultiplexer> Connections => connections;

        public async ValueTask DisposeAsync()
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
