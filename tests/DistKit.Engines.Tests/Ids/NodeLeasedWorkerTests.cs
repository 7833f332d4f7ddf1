using System.Text.Json;
using DistKit.Ids;
using DistKit.Server.Tests;
using DistKit.Server.Settings;
using DistKit.Testing;

using StackExchange.Redis;

namespace DistKit.Engines.Tests.Ids;

/// <summary>A node whose ids capability uses Redis for worker ids.</summary>
public sealed class NodeLeasedWorkerTests(RedisFixture redis)
{
    [Fact(Timeout = 60_000)]
    public async Task Node_WithIdsOnRedis_LeasesItsWorkerIdThere_AndReportsIt()
    {
        await using var running = await InProcessNode.StartAsync(NodeSettings.Default
            .With("Engines:Redis", redis.ConnectionString)
            .With("Capabilities:Ids", "redis"));
        var http = running.Http;

        var info = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/info", UriKind.Relative), TestContext.Current.CancellationToken));
        var ids = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/ids?count=5", UriKind.Relative), TestContext.Current.CancellationToken));
        var node = IdLayout.Snowflake.Decode(long.Parse(ids.RootElement.GetProperty("ids")[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture)).Node;

        Assert.Equal("redis", info.RootElement.GetProperty("capabilities").GetProperty("ids").GetString());
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        Assert.True(await connection.GetDatabase().KeyExistsAsync($"distkit:lease:{{ids/snowflake/worker/{node}}}"));
    }
}
