using StackExchange.Redis;

namespace DistKit.Redis.Composition;

/// <summary>How DistKit connects to Redis, wherever the connection is made: app, node or CLI.</summary>
public static class RedisConnection
{
    /// <summary>
    /// Connects <paramref name="configuration"/> the way leases and locks need: an outage is
    /// survived and recovered from, never a failure at start, and the reconnect comes within a
    /// second or two of the server's return.
    /// </summary>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);

        // Leases and locks must notice an outage and recover from it, not fail the process at
        // start; a Redlock instance that is down must cost a "no" from it, not the process.
        options.AbortOnConnectFail = false;

        // Back within a second or two of Redis returning, not after an exponential backoff grown
        // over the outage (the client's default reaches about 10 s); a reconnect attempt is cheap.
        options.ReconnectRetryPolicy = new LinearRetry(1_000);
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
