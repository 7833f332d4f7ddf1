using System.Security.Cryptography;
using DistKit.Core.Leases;
using DistKit.Redis.Internal;
using StackExchange.Redis;

namespace DistKit.Redis.Leases;

/// <summary>
/// Leases on one Redis: <c>SET key token NX PX ttl</c> and a fencing counter incremented in the
/// same script, renewal and release by compare-and-set in Lua so only the owner can touch the key.
/// </summary>
/// <remarks>
/// The fencing counter lives in Redis: it survives a restart only with persistence (AOF) on. A
/// Redis that loses its data can hand a name out again with a smaller fencing token.
/// </remarks>
/// <param name="redis">A connected multiplexer; not owned.</param>
/// <param name="keyPrefix">Prefix of every key this store writes. Default: <c>distkit:lease:</c>.</param>
public sealed class RedisLeaseStore(IConnectionMultiplexer redis, string keyPrefix = "distkit:lease:") : ILeaseStore
{
    // Keys share a {hash tag} so the lease and its counter live in one slot on Redis Cluster.
    private const string AcquireScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return redis.call('INCR', KEYS[2])
        end
        return 0
        """;

    private const string RenewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    // Shared with Redlock, which takes the same lease (and fence) on each of its instances.
    internal static readonly RedisScript Acquire = new(AcquireScript);

    internal static readonly RedisScript Renew = new(RenewScript);

    internal static readonly RedisScript Release = new(ReleaseScript);

    /// <inheritdoc />
    public string Engine => "redis";

    /// <summary>The key that holds <paramref name="name"/>'s owner token.</summary>
    public RedisKey KeyOf(string name) => $"{keyPrefix}{{{name}}}";

    /// <inheritdoc />
    public async ValueTask<Lease?> TryAcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default)
    {
        using var activity = Diagnostics.RedisDiagnostics.Start("lease acquire", name);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var key = KeyOf(name);
        var started = options.TimeProvider.GetTimestamp();

        // Not abandoned mid-flight on cancellation: the server may already have granted it, and a
        // lease nobody knows of would block the name for its TTL. The client bounds the call.
        cancellationToken.ThrowIfCancellationRequested();
        long fence;
        try
        {
            fence = (long)await Acquire.EvaluateAsync(
                redis.GetDatabase(),
                [key, $"{keyPrefix}{{{name}}}:fence"],
                [token, (long)options.EngineTtl.TotalMilliseconds]);
        }
        catch (Exception e) when (RedisErrors.IsOutage(e))
        {
            // Whether the server ran the script is unknown; if it did, the key lapses after its TTL.
            throw RedisErrors.Unavailable(e);
        }

        return fence == 0 ? null : RedisLease.Start(redis, key, name, token, fence, options, started);
    }
}
