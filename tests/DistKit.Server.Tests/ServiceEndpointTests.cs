using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DistKit.Server.Settings;
using DistKit.Testing;

namespace DistKit.Server.Tests;

/// <summary>The node's registry: <c>/v1/services/{name}/endpoints</c> on the embedded registry.</summary>
public sealed class ServiceEndpointTests
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    private static async Task<string[]> AddressesAsync(InProcessNode node, string service)
    {
        using var list = await node.Http.GetAsync($"/v1/services/{service}/endpoints", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        return [.. (await JsonAsync(list)).GetProperty("endpoints").EnumerateArray().Select(e => e.GetProperty("address").GetString()!)];
    }

    [Fact]
    public async Task Put_Lists_Renews_AndDeleteRemoves()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync();
        using var a = await node.Http.PutAsJsonAsync("/v1/services/orders/endpoints", new { address = "http://10.0.0.1:80", weight = 3, metadata = new { zone = "a" }, ttl_ms = 30_000 }, ct);
        using var b = await node.Http.PutAsJsonAsync("/v1/services/orders/endpoints", new { address = "http://10.0.0.2:80" }, ct);
        using var again = await node.Http.PutAsJsonAsync("/v1/services/orders/endpoints", new { address = "http://10.0.0.2:80" }, ct);

        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        var registered = await JsonAsync(a);
        Assert.Equal(30_000, registered.GetProperty("ttl_ms").GetInt64());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using var list = await node.Http.GetAsync("/v1/services/orders/endpoints", ct);
        var body = await JsonAsync(list);
        Assert.Equal("embedded", body.GetProperty("engine").GetString());
        var endpoints = body.GetProperty("endpoints").EnumerateArray().ToList();
        Assert.Equal(["http://10.0.0.1:80", "http://10.0.0.2:80"], endpoints.Select(e => e.GetProperty("address").GetString()));
        Assert.Equal(3, endpoints[0].GetProperty("weight").GetInt32());
        Assert.Equal("a", endpoints[0].GetProperty("metadata").GetProperty("zone").GetString());

        using var removed = await node.Http.DeleteAsync("/v1/services/orders/endpoints?address=http%3A%2F%2F10.0.0.1%3A80", ct);
        using var missing = await node.Http.DeleteAsync("/v1/services/orders/endpoints?address=http%3A%2F%2F10.0.0.9%3A80", ct);
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(["http://10.0.0.2:80"], await AddressesAsync(node, "orders"));
    }

    [Fact(Timeout = 60_000)]
    public async Task ARegistrationNotRenewedWithinItsTtl_IsRemoved_AndARenewedOneStays()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync();
        using var _ = await node.Http.PutAsJsonAsync("/v1/services/short/endpoints", new { address = "http://10.0.0.1:80", ttl_ms = 1_000 }, ct);
        using var __ = await node.Http.PutAsJsonAsync("/v1/services/short/endpoints", new { address = "http://10.0.0.2:80", ttl_ms = 60_000 }, ct);
        Assert.Equal(2, (await AddressesAsync(node, "short")).Length);

        var since = Stopwatch.StartNew();
        Assert.True(await Until.TrueAsync(async () => (await AddressesAsync(node, "short")).Length == 1, TimeSpan.FromSeconds(30), ct), "the unrenewed registration stayed");

        Assert.True(since.Elapsed >= TimeSpan.FromMilliseconds(900), $"removed after {since.Elapsed.TotalMilliseconds:F0} ms, before its TTL");
        Assert.Equal(["http://10.0.0.2:80"], await AddressesAsync(node, "short"));
    }

    [Theory]
    [InlineData("orders", """{"weight":1}""", "address is required")]
    [InlineData("orders", """{"address":"http://a:1","weight":0}""", "weight must be 1 to 10000")]
    [InlineData("orders", """{"address":"http://a:1","ttl_ms":10}""", "ttl_ms must be 1000 to 3600000")]
    [InlineData("bad name", """{"address":"http://a:1"}""", "may hold only letters")]
    [InlineData("orders", """{"address":"has space"}""", "without spaces")]
    [InlineData("orders", """{"address":"host:99999999999"}""", "port of 1 to 65535")]
    [InlineData("orders", """{"address":"http://a:1","ttl_ms":99999999999999999}""", "ttl_ms must be")]
    [InlineData("orders", "[1,2", "", "bad_request")]
    public async Task BadInput_Is400_WithAnErrorBody(string service, string json, string message, string code = "invalid_argument")
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync();
        using var response = await node.Http.PutAsync($"/v1/services/{Uri.EscapeDataString(service)}/endpoints", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await JsonAsync(response)).GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithTokensConfigured_ARegistrationWithoutOne_Is401()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync(NodeSettings.Default with { Tokens = ["s3cret-token-value"] });
        using var response = await node.Http.PutAsJsonAsync("/v1/services/orders/endpoints", new { address = "http://10.0.0.1:80" }, ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var request = node.Request(HttpMethod.Put, "/v1/services/orders/endpoints", "s3cret-token-value");
        request.Content = JsonContent.Create(new { address = "http://10.0.0.1:80" });
        using var allowed = await node.Http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
