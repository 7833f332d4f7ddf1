using System.Net;
using System.Text.Json;

namespace DistKit.Server.Tests;

public sealed class SegmentEndpointTests
{
    private static async Task<long[]> TakeAsync(InProcessNode node, string path)
    {
        var body = await node.Http.GetStringAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("ids").EnumerateArray().Select(e => long.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture))];
    }

    [Fact]
    public async Task Segments_AreDensePerKey_AndKeysAreIndependent()
    {
        await using var node = await InProcessNode.StartAsync();
        var first = await TakeAsync(node, "/v1/segments/orders?count=5");
        var next = await TakeAsync(node, "/v1/segments/orders");
        var other = await TakeAsync(node, "/v1/segments/invoices:eu?count=2");
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, first);
        Assert.Equal(new long[] { 6 }, next);
        Assert.Equal(new long[] { 1, 2 }, other);
        var many = await TakeAsync(node, "/v1/segments/orders?count=10000");
        Assert.Equal(Enumerable.Range(7, 10_000).Select(i => (long)i), many);
    }

    [Theory]
    [InlineData("/v1/segments/orders?count=0")]
    [InlineData("/v1/segments/orders?count=10001")]
    [InlineData("/v1/segments/has%20space")]
    [InlineData("/v1/segments/%C3%A9t%C3%A9")]
    public async Task Segments_BadInput_Answers400(string path)
    {
        await using var node = await InProcessNode.StartAsync();
        using var response = await node.Http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_argument", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
