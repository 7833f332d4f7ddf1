using DistKit.Core.Leases;
using DistKit.Redis.Internal;
using StackExchange.Redis;

namespace DistKit.Redis.Leases;

/// <summary>A lease held in Redis; renewed by PEXPIRE only while the key still holds this owner's token.</summary>
internal sealed class RedisLease : Lease
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKey _key;
    private readonly long _engineTtlMs;
    private readonly ReleaseCommand _release;

    private RedisLease(IConnectionMultiplexer redis, RedisKey key, string name, string token, long fence, LeaseOptions options, long started, TimeSpan validFor, ReleaseCommand? release)
        : base(name, token, fence, options, started, validFor)
    {
        _redis = redis;
        _key = key;
        _engineTtlMs = (long)options.EngineTtl.TotalMilliseconds;
        _release = release ?? new ReleaseCommand(RedisLeaseStore.Release, [key], [token]);
    }

    /// <summary>Starts renewing a lease the caller just took; <paramref name="release"/> (default: compare-and-delete) gives it back.</summary>
    public static RedisLease Start(IConnectionMultiplexer redis, RedisKey key, string name, string token, long fence, LeaseOptions options, long started, ReleaseCommand? release = null)
    {
        var lease = new RedisLease(redis, key, name, token, fence, options, started, options.Ttl, release);
        lease.Start();
        return lease;
    }

    /// <summary>
    /// Starts a lease its previous holder handed over with only <paramref name="validFor"/> on the
    /// key, counted from <paramref name="started"/> (a moment known to precede the hand-over); the
    /// first renewal comes at a third of that, stretching it to the full TTL.
    /// </summary>
    public static RedisLease StartHandedOver(IConnectionMultiplexer redis, RedisKey key, string name, string token, long fence, LeaseOptions options, long started, TimeSpan validFor, ReleaseCommand release)
    {
        var lease = new RedisLease(redis, key, name, token, fence, options, started, validFor, release);
        lease.Start(validFor / 3);
        return lease;
    }

    protected override string Engine => "redis";

    protected override async ValueTask<bool> RenewCoreAsync(CancellationToken cancellationToken) =>
        (long)await RedisLeaseStore.Renew.EvaluateAsync(_redis.GetDatabase(), [_key], [OwnerToken, _engineTtlMs]).WaitAsync(cancellationToken) == 1;

    // StackExchange.Redis times out every call itself (AsyncTimeout, 5 s by default).
    protected override bool ReleaseIsBoundedByClient => true;

    protected override async ValueTask ReleaseCoreAsync(CancellationToken cancellationToken) =>
        await _release.Script.EvaluateAsync(_redis.GetDatabase(), _release.Keys, _release.Arguments);
}

/// <summary>The Lua that gives a lease back, with its keys and arguments.</summary>
internal sealed record ReleaseCommand(RedisScript Script, RedisKey[] Keys, RedisValue[] Arguments);
