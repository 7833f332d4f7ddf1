using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace DistKit.Server.Tests;

public sealed class LockEndpointTests
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    [Fact]
    public async Task Acquire_Renew_Release_WithTokensAndGrowingFencing()
    {
        await using var node = await InProcessNode.StartAsync();
        using var first = await node.Http.PostAsJsonAsync("/v1/locks/job:acquire", new { ttl_ms = 5_000 }, TestContext.Current.CancellationToken);
        var grant = await JsonAsync(first);
        var token = grant.GetProperty("token").GetString();

        using var renewed = await node.Http.PostAsJsonAsync("/v1/locks/job:renew", new { token, ttl_ms = 5_000 }, TestContext.Current.CancellationToken);
        using var wrong = await node.Http.PostAsJsonAsync("/v1/locks/job:renew", new { token = "not-mine", ttl_ms = 5_000 }, TestContext.Current.CancellationToken);
        using var released = await node.Http.PostAsJsonAsync("/v1/locks/job:release", new { token }, TestContext.Current.CancellationToken);
        using var second = await node.Http.PostAsJsonAsync("/v1/locks/job:acquire", new { }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.True((await JsonAsync(second)).GetProperty("fencing_token").GetInt64() > grant.GetProperty("fencing_token").GetInt64());
    }

    [Fact]
    public async Task UnrenewedLock_ExpiresAfterItsTtl_AndALateRenewalGets409()
    {
        await using var node = await InProcessNode.StartAsync();
        using var first = await node.Http.PostAsJsonAsync("/v1/locks/short:acquire", new { ttl_ms = 1_000 }, TestContext.Current.CancellationToken);
        var token = (await JsonAsync(first)).GetProperty("token").GetString();

        using var waited = await node.Http.PostAsJsonAsync("/v1/locks/short:acquire", new { ttl_ms = 1_000, wait_ms = 5_000 }, TestContext.Current.CancellationToken);
        using var late = await node.Http.PostAsJsonAsync("/v1/locks/short:renew", new { token, ttl_ms = 1_000 }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Theory]
    [InlineData("/v1/locks/job:acquire", "{\"ttl_ms\":10}")]
    [InlineData("/v1/locks/job:acquire", "{\"wait_ms\":-1}")]
    [InlineData("/v1/locks/bad%20name:acquire", "{}")]
    [InlineData("/v1/locks/job:release", "{}")]
    [InlineData("/v1/locks/job:acquire", "{\"ttl_ms\":")]
    public async Task BadInput_Answers400(string path, string body)
    {
        await using var node = await InProcessNode.StartAsync();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await node.Http.PostAsync(new Uri(path, UriKind.Relative), content, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
