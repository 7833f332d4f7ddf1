using System.Net;
using System.Text.Json;
using DistKit.Ids;
using DistKit.Server.Settings;

namespace DistKit.Server.Tests;

public sealed class IdEndpointTests
{
    private static async Task<List<long>> GetIdsAsync(InProcessNode node, string query)
    {
        var body = await node.Http.GetStringAsync(new Uri("/v1/ids" + query, UriKind.Relative), TestContext.Current.CancellationToken);
        using var doc = JsonDocument.Parse(body);
        return [.. doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => long.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture))];
    }

    [Fact]
    public async Task Ids_CountN_ReturnsNIncreasingIdsAsStrings()
    {
        await using var node = await InProcessNode.StartAsync();
        var first = await GetIdsAsync(node, "?count=10000");
        var second = await GetIdsAsync(node, "?count=3");

        Assert.Equal(10_000, first.Count);
        var all = first.Concat(second).ToList();
        Assert.True(all.SequenceEqual(all.Order()) && all.Distinct().Count() == all.Count);
        var raw = await node.Http.GetStringAsync(new Uri("/v1/ids", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Matches("^\\{\"ids\":\\[\"\\d+\"\\]\\}$", raw);
    }

    [Fact]
    public async Task Ids_SameNodeAcrossRestart_KeepsItsWorkerIdAndNeverRepeats()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "distkit-ids-restart", Guid.NewGuid().ToString("N"));
        var settings = NodeSettings.Default with { DataDir = dataDir };
        List<long> before;
        await using (var node = await InProcessNode.StartAsync(settings, keepDataDir: true))
        {
            before = await GetIdsAsync(node, "?count=100&layout=sonyflake");
        }

        await using var again = await InProcessNode.StartAsync(settings);
        var after = await GetIdsAsync(again, "?count=100&layout=sonyflake");

        Assert.Equal(IdLayout.Sonyflake.Decode(before[0]).Node, IdLayout.Sonyflake.Decode(after[0]).Node);
        Assert.True(after.Min() > before.Max());
    }

    [Fact]
    public async Task Ids_ConfiguredWorker_IsStampedIntoEveryId()
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Default.With("Ids:Worker", "1000"));
        var ids = await GetIdsAsync(node, "?count=5");
        Assert.All(ids, id => Assert.Equal(1000, IdLayout.Snowflake.Decode(id).Node));
    }

    [Theory]
    [InlineData("?count=0")]
    [InlineData("?count=10001")]
    [InlineData("?count=ten")]
    [InlineData("?layout=twitter")]
    [InlineData("?encoding=base64")]
    [InlineData("/not-an-id")]
    [InlineData("/-5")]
    [InlineData("/9007199254740993?layout=js-safe")]
    public async Task Ids_BadInput_Answers400InvalidArgument(string suffix)
    {
        await using var node = await InProcessNode.StartAsync();
        using var response = await node.Http.GetAsync(new Uri("/v1/ids" + suffix, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"invalid_argument\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecodeEndpoint_GivesTheParts()
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Default.With("Ids:Worker", IdLayout.Snowflake.NodeOf(2, 9).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var id = (await GetIdsAsync(node, ""))[0];

        var body = await node.Http.GetStringAsync(new Uri($"/v1/ids/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;

        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), root.GetProperty("id").GetString());
        Assert.Equal(2, root.GetProperty("datacenter").GetInt64());
        Assert.Equal(9, root.GetProperty("worker").GetInt64());
        var time = DateTimeOffset.Parse(root.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(time, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Ids_Base32Encoding_DecodesBackThroughTheDecodeEndpoint()
    {
        await using var node = await InProcessNode.StartAsync();
        var body = await node.Http.GetStringAsync(new Uri("/v1/ids?encoding=base32", UriKind.Relative), TestContext.Current.CancellationToken);
        var text = JsonDocument.Parse(body).RootElement.GetProperty("ids")[0].GetString()!;
        Assert.Equal(13, text.Length);

        using var decoded = await node.Http.GetAsync(new Uri($"/v1/ids/{text}?encoding=base32", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, decoded.StatusCode);
    }

    [Fact(Timeout = 120_000)]
    public async Task SixteenSlowBatchesInFlight_HealthzStillAnswersWithin250ms()
    {
        await using var node = await InProcessNode.StartAsync();
        using var warm = await node.Http.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
        _ = await GetIdsAsync(node, "?count=1&layout=sonyflake");

        // Each batch spans about 39 ticks of 10 ms, and all share one generator: several seconds of
        // waiting for the clock in all, which must not hold a thread.
        var batches = Enumerable.Range(0, 16).Select(_ => GetIdsAsync(node, "?count=10000&layout=sonyflake")).ToList();
        var all = Task.WhenAll(batches);
        var probes = new List<TimeSpan>();
        while (!all.IsCompleted)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var health = await node.Http.GetAsync(new Uri("/healthz", UriKind.Relative), TestContext.Current.CancellationToken);
            health.EnsureSuccessStatusCode();
            probes.Add(clock.Elapsed);
        }

        var ids = (await all).SelectMany(batch => batch).ToList();
        Assert.Equal(160_000, ids.Distinct().Count());
        Assert.True(probes.Count >= 5, $"only {probes.Count} probes ran while the batches were in flight");

        // Blocked threads made it take seconds (2.3 s measured, 4.9 s in this test). The bound on
        // the 95th percentile is the target; the one on the slowest leaves room for a GC pause or
        // a scheduling stall of this process on a loaded machine, far below what a block costs.
        probes.Sort();
        var p95 = probes[(int)Math.Ceiling(probes.Count * 0.95) - 1];
        Assert.True(p95 <= TimeSpan.FromMilliseconds(250), $"/healthz p95 {p95.TotalMilliseconds:F0} ms while 16 batches were in flight");
        Assert.True(probes[^1] <= TimeSpan.FromSeconds(1), $"/healthz took {probes[^1].TotalMilliseconds:F0} ms while 16 batches were in flight");
    }
}
