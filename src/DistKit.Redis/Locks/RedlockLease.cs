using DistKit.Core.Leases;
using StackExchange.Redis;

namespace DistKit.Redis.Locks;

/// <summary>A Redlock held on a majority of instances; renewal needs a majority again.</summary>
internal sealed class RedlockLease : Lease
{
    private readonly RedlockProvider _provider;
    private readonly RedisKey _key;
    private readonly RedisChannel _channel;

    private RedlockLease(RedlockProvider provider, RedisKey key, string name, string token, long fence, RedisChannel channel, long started)
        : base(name, token, fence, provider.LeaseOptions, started)
    {
        _provider = provider;
        _key = key;
        _channel = channel;
    }

    public static RedlockLease Start(RedlockProvider provider, RedisKey key, string name, string token, long fence, RedisChannel channel, long started)
    {
        var lease = new RedlockLease(provider, key, name, token, fence, channel, started);
        lease.Start();
        return lease;
    }

    protected override string Engine => "redlock";

    protected override async ValueTask<bool> RenewCoreAsync(CancellationToken cancellationToken) =>
        await _provider.RenewAsync(_key, OwnerToken, cancellationToken);

    protected override async ValueTask ReleaseCoreAsync(CancellationToken cancellationToken) =>
        await _provider.ReleaseAllAsync(_key, OwnerToken, _channel);
}
