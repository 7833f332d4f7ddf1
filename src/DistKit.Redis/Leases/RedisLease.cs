using DistKit.Core.Leases;
using StackExchange.Redis;

namespace DistKit.Redis.Leases;

/// <summary>A lease held in Redis; renewed by PEXPIRE only while the key still holds this owner's token.</summary>
internal sealed class RedisLease : Lease
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKey _key;
    private readonly long _engineTtlMs;

    private RedisLease(IConnectionMultiplexer redis, RedisKey key, string name, string token, long fence, LeaseOptions options, long started)
        : base(name, token, fence, options, started)
    {
        _redis = redis;
        _key = key;
        _engineTtlMs = (long)options.EngineTtl.TotalMilliseconds;
    }

    public static RedisLease Start(IConnectionMultiplexer redis, RedisKey key, string name, string token, long fence, LeaseOptions options, long started)
    {
        var lease = new RedisLease(redis, key, name, token, fence, options, started);
        lease.Start();
        return lease;
    }

    protected override async ValueTask<bool> RenewCoreAsync(CancellationToken cancellationToken) =>
        (long)await _redis.GetDatabase().ScriptEvaluateAsync(RedisLeaseStore.RenewScript, [_key], [OwnerToken, _engineTtlMs]).WaitAsync(cancellationToken) == 1;

    protected override async ValueTask ReleaseCoreAsync(CancellationToken cancellationToken) =>
        await _redis.GetDatabase().ScriptEvaluateAsync(RedisLeaseStore.ReleaseScript, [_key], [OwnerToken]).WaitAsync(cancellationToken);
}
