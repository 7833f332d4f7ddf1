using DistKit.Core.Leases;
using StackExchange.Redis;

namespace DistKit.Redis.Leases;

/// <summary>A lease held in Redis; renewed by PEXPIRE only while the key still holds this owner's token.</summary>
internal sealed class RedisLease : Lease
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKey _key;
    private readonly long _engineTtlMs;
    private readonly string _releasedChannel;

    private RedisLease(IConnectionMultiplexer redis, RedisKey key, string name, string token, long fence, LeaseOptions options, long started, string releasedChannel)
        : base(name, token, fence, options, started)
    {
        _redis = redis;
        _key = key;
        _engineTtlMs = (long)options.EngineTtl.TotalMilliseconds;
        _releasedChannel = releasedChannel;
    }

    /// <summary>Starts renewing a lease the caller just took; <paramref name="releasedChannel"/> (may be empty) is published to on release.</summary>
    public static RedisLease Start(IConnectionMultiplexer redis, RedisKey key, string name, string token, long fence, LeaseOptions options, long started, string releasedChannel = "")
    {
        var lease = new RedisLease(redis, key, name, token, fence, options, started, releasedChannel);
        lease.Start();
        return lease;
    }

    protected override async ValueTask<bool> RenewCoreAsync(CancellationToken cancellationToken) =>
        (long)await _redis.GetDatabase().ScriptEvaluateAsync(RedisLeaseStore.RenewScript, [_key], [OwnerToken, _engineTtlMs]).WaitAsync(cancellationToken) == 1;

    protected override async ValueTask ReleaseCoreAsync(CancellationToken cancellationToken) =>
        await _redis.GetDatabase().ScriptEvaluateAsync(RedisLeaseStore.ReleaseScript, [_key], [OwnerToken, _releasedChannel]).WaitAsync(cancellationToken);
}
