using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DistKit.Server.Settings;
using DistKit.Server.Tests;
using DistKit.Testing;

namespace DistKit.Engines.Tests.Node;

/// <summary>
/// A node serving ids and locks on one engine, and that engine killed for real: both answer 503
/// <c>unavailable</c> with <c>Retry-After</c> while it is down, and are served again once it is
/// back, with no node restart and ids above every id issued before. One small class per engine.
/// </summary>
public abstract class NodeOutageContract<TServer>
    where TServer : ServerProcess
{
    // Liveness only: the worker lease outlives a dead engine for its TTL (15 s) before ids stop.
    private static readonly TimeSpan DownPatience = TimeSpan.FromSeconds(60);

    // The acceptance bound: served again within 20 s of the engine being back.
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(20);

    protected abstract TServer NewServer();


    protected abstract string Engine { get; }

    [Fact(Timeout = 240_000)]
    public async Task EngineKilled_IdsAndLocksAnswer503WithRetryAfter_ThenRecoverWithoutANodeRestart()
    {
        await using var server = NewServer();
        await server.StartAsync(TestContext.Current.CancellationToken);
        await using var node = await InProcessNode.StartAsync(NodeSettings.Default
            .With($"Engines:{Engine}", server.ConnectionString)
            .With("Capabilities:Ids", Engine)
            .With("Capabilities:Locks", Engine));
        var issued = new List<long>();
        var first = await IdsAsync(node);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        issued.AddRange(first.Ids);
        var lockName = "outage-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(HttpStatusCode.OK, (await AcquireAsync(node, lockName)).Status);

        await server.KillAsync();

        // Ids keep coming while the worker lease is still valid, then stop; every one served counts.
        (HttpStatusCode Status, List<long> Ids, string? Code, string? RetryAfter) ids = (HttpStatusCode.OK, [], null, null);
        var stopped = await Until.TrueAsync(
            async () =>
            {
                ids = await IdsAsync(node);
                issued.AddRange(ids.Ids);
                return ids.Status != HttpStatusCode.OK;
            },
            DownPatience,
            TestContext.Current.CancellationToken);
        Assert.True(stopped, "ids were still served a minute after the engine died");

        AssertUnavailable(ids.Status, ids.Code, ids.RetryAfter, "ids");
        var locked = await AcquireAsync(node, "outage-other-" + Guid.NewGuid().ToString("N")[..8]);
        AssertUnavailable(locked.Status, locked.Code, locked.RetryAfter, "locks");

        await server.StartAsync(TestContext.Current.CancellationToken);
        var back = Stopwatch.StartNew();
        Assert.True(
            await Until.TrueAsync(async () => (ids = await IdsAsync(node)).Status == HttpStatusCode.OK, Recovery + Recovery, TestContext.Current.CancellationToken),
            $"ids not served {back.Elapsed.TotalSeconds:F1} s after {Engine} came back: {ids.Code}");
        var idsBackAfter = back.Elapsed;
        Assert.True(
            await Until.TrueAsync(async () => (locked = await AcquireAsync(node, "outage-after-" + Guid.NewGuid().ToString("N")[..8])).Status == HttpStatusCode.OK, Recovery + Recovery, TestContext.Current.CancellationToken),
            $"locks not served {back.Elapsed.TotalSeconds:F1} s after {Engine} came back: {locked.Code}");

        Assert.True(idsBackAfter <= Recovery, $"ids came back {idsBackAfter.TotalSeconds:F1} s after {Engine} did");
        Assert.True(back.Elapsed <= Recovery, $"locks came back {back.Elapsed.TotalSeconds:F1} s after {Engine} did");
        Assert.True(ids.Ids.Min() > issued.Max(), $"id {ids.Ids.Min()} after the outage is not above {issued.Max()} issued before");
    }

    private static void AssertUnavailable(HttpStatusCode status, string? code, string? retryAfter, string what)
    {
        Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{what}: {(int)status} {code} while the engine is down");
        Assert.Equal("unavailable", code);
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds > 0, $"{what}: Retry-After '{retryAfter}'");
    }

    private static async Task<(HttpStatusCode Status, List<long> Ids, string? Code, string? RetryAfter)> IdsAsync(InProcessNode node)
    {
        using var response = await node.Http.GetAsync(new Uri("/v1/ids?count=100", UriKind.Relative), TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode, [], body.RootElement.GetProperty("error").GetProperty("code").GetString(), response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return (response.StatusCode, [.. body.RootElement.GetProperty("ids").EnumerateArray().Select(e => long.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture))], null, null);
    }

    private static async Task<(HttpStatusCode Status, string? Code, string? RetryAfter)> AcquireAsync(InProcessNode node, string name)
    {
        using var response = await node.Http.PostAsJsonAsync($"/v1/locks/{name}:acquire", new { ttl_ms = 5_000 }, TestContext.Current.CancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var code = body.RootElement.TryGetProperty("error", out var error) ? error.GetProperty("code").GetString() : null;
        return (response.StatusCode, code, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

public sealed class NodeOnRedisOutageTests : NodeOutageContract<RedisServer>
{
    protected override string Engine => "redis";

    protected override RedisServer NewServer() => new();
}

public sealed class NodeOnEtcdOutageTests : NodeOutageContract<EtcdServer>
{
    protected override string Engine => "etcd";

    protected override EtcdServer NewServer() => new();
}

public sealed class NodeOnPostgresOutageTests : NodeOutageContract<PostgresServer>
{
    protected override string Engine => "postgres";

    protected override PostgresServer NewServer() => new();
}
