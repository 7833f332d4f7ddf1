using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DistKit.Redis.Locks;
using DistKit.Server.Tests;
using DistKit.Server.Settings;
using DistKit.Testing;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Locks;

/// <summary>A node whose locks live in Redis: the lock it grants is a Redis lock others see.</summary>
public sealed class NodeLocksOnRedisTests(RedisFixture redis, SharedRedisTrio trio) : IClassFixture<SharedRedisTrio>
{
    [Fact(Timeout = 60_000)]
    public async Task Node_WithLocksOnRedis_GrantsARedisLock_AndAnswers409WhileItIsHeld()
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Default
            .With("Engines:Redis", redis.ConnectionString)
            .With("Capabilities:Locks", "redis"));
        var http = node.Http;
        var name = "node-redis-" + Guid.NewGuid().ToString("N")[..8];

        using var granted = await http.PostAsJsonAsync($"/v1/locks/{name}:acquire", new { ttl_ms = 5_000 }, TestContext.Current.CancellationToken);
        using var refused = await http.PostAsJsonAsync($"/v1/locks/{name}:acquire", new { ttl_ms = 5_000, wait_ms = 100 }, TestContext.Current.CancellationToken);
        var token = JsonDocument.Parse(await granted.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("token").GetString();

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.True(await connection.GetDatabase().KeyExistsAsync(RedisLockProvider.KeysOf(name)[0]));

        using var released = await http.PostAsJsonAsync($"/v1/locks/{name}:release", new { token }, TestContext.Current.CancellationToken);
        using var again = await http.PostAsJsonAsync($"/v1/locks/{name}:release", new { token }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.False(await connection.GetDatabase().KeyExistsAsync(RedisLockProvider.KeysOf(name)[0]));
    }

    [Fact(Timeout = 60_000)]
    public async Task Node_WithLocksOnRedlock_HoldsTheLockOnEveryInstance_AndAnswers409WhileItIsHeld()
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Default
            .With("Engines:Redlock", string.Join(';', trio.Servers.Select(s => s.ConnectionString)))
            .With("Capabilities:Locks", "redlock"));
        var http = node.Http;
        var name = "node-redlock-" + Guid.NewGuid().ToString("N")[..8];

        using var granted = await http.PostAsJsonAsync($"/v1/locks/{name}:acquire", new { ttl_ms = 5_000 }, TestContext.Current.CancellationToken);
        using var refused = await http.PostAsJsonAsync($"/v1/locks/{name}:acquire", new { ttl_ms = 5_000, wait_ms = 100 }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        await using var connections = await trio.ConnectAsync();
        foreach (var instance in connections.Instances)
        {
            Assert.True(await instance.GetDatabase().KeyExistsAsync(RedlockProvider.KeysOf(name)[0]));
        }
    }
}
