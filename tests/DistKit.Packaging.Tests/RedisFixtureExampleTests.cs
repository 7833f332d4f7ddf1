using DistKit.Testing;
using StackExchange.Redis;

namespace DistKit.Packaging.Tests;

// The example docs/testing.md shows, kept compiling and passing here.
public sealed class RedisFixtureExampleTests(RedisFixture redis)
{
    [Fact]
    public async Task TheSharedRedis_Answers()
    {
        await using var mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.True(mux.IsConnected);
    }
}
