using DistKit.Core;
using StackExchange.Redis;

namespace DistKit.Redis.Internal;

/// <summary>Which client failures mean "Redis is not answering", and the exception they become at DistKit's boundary.</summary>
internal static class RedisErrors
{
    /// <summary>
    /// True for a connection that is down or a call that timed out. A server error reply (a script
    /// error, a wrong type) is a bug to see, not an outage; LOADING and READONLY are a restart and a
    /// failover in progress, so they count.
    /// </summary>
    public static bool IsOutage(Exception e) => e switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal) || server.Message.StartsWith("READONLY", StringComparison.Ordinal),
        _ => false,
    };

    public static EngineUnavailableException Unavailable(Exception e)
    {
        Diagnostics.RedisDiagnostics.EngineError("redis");
        return new("redis", e);
    }
}
