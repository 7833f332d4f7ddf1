using System.Net;
using System.Text;
using System.Text.Json;
using DistKit.Server.Settings;

namespace DistKit.Server.Tests;

public sealed class ConfigAccessTests
{
    private const string NodeToken = "node-admin-token-0123456789";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<HttpStatusCode> SendAsync(InProcessNode node, HttpMethod method, string path, string? token, string? body = null)
    {
        using var request = node.Request(method, path, token);
        if (body is not null)
        {
            request.Content = Json(body);
        }

        using var response = await node.Http.SendAsync(request, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    private static async Task<string> CreateAsync(InProcessNode node, string name, params string[] scopes)
    {
        using var request = node.Request(HttpMethod.Post, "/v1/config/tokens", NodeToken);
        request.Content = Json(JsonSerializer.Serialize(new { name, scopes }));
        using var response = await node.Http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return created.RootElement.GetProperty("token").GetString()!;
    }

    [Fact(Timeout = 60_000)]
    public async Task Scopes_ReadWritePublish_PerNamespacePrefix_401And403()
    {
        Assert.False(TestContext.Current.CancellationToken.IsCancellationRequested);
        await using var node = await InProcessNode.StartAsync(NodeSettings.Default with { Tokens = [NodeToken] });
        var reader = await CreateAsync(node, "reader", "read:shop/");
        var editor = await CreateAsync(node, "editor", "write:shop/prod");
        var releaser = await CreateAsync(node, "releaser", "publish:shop/prod", "write:shop/prod");

        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(node, HttpMethod.Get, "/v1/config/entries?ns=shop/prod", null));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(node, HttpMethod.Get, "/v1/config/entries?ns=shop/prod", "dkc_not-a-token"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(node, HttpMethod.Put, "/v1/config/entry?ns=shop/prod&key=k", releaser, "{\"value\":\"v1\"}"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(node, HttpMethod.Get, "/v1/config/entry?ns=shop/prod&key=k", reader));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(node, HttpMethod.Get, "/v1/config/entries?ns=bank/prod", reader));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(node, HttpMethod.Put, "/v1/config/entry?ns=shop/prod&key=k", reader, "{\"value\":\"v2\"}"));

        // Write stages; only publish makes it a release.
        Assert.Equal(HttpStatusCode.Accepted, await SendAsync(node, HttpMethod.Put, "/v1/config/entry?ns=shop/prod&key=k", editor, "{\"value\":\"v2\",\"draft\":true}"));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(node, HttpMethod.Put, "/v1/config/entry?ns=shop/prod&key=k", editor, "{\"value\":\"v2\"}"));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(node, HttpMethod.Post, "/v1/config/publish", editor, "{\"ns\":\"shop/prod\"}"));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(node, HttpMethod.Post, "/v1/config/publish", releaser, "{\"ns\":\"shop/prod\"}"));

        // Paths match without case, as routing does: /V1 is no way around the token.
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(node, HttpMethod.Post, "/V1/config/tokens", null, "{\"name\":\"x\",\"scopes\":[\"read:*\"]}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(node, HttpMethod.Get, "/V1/ids/next", null));

        // Grants cover whole segments: shop/prod is not shop/prod2.
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(node, HttpMethod.Get, "/v1/config/drafts?ns=shop/prod2", editor));

        // Tokens are the node's own tokens' business, and a revoked one is refused.
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(node, HttpMethod.Post, "/v1/config/tokens", releaser, "{\"name\":\"x\",\"scopes\":[\"read:*\"]}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(node, HttpMethod.Get, "/v1/ids/next", reader));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(node, HttpMethod.Delete, "/v1/config/tokens?name=reader", NodeToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(node, HttpMethod.Get, "/v1/config/entry?ns=shop/prod&key=k", reader));
    }

    [Fact(Timeout = 60_000)]
    public async Task Tokens_AreListedWithoutSecrets_AndStoredOnlyAsHashes()
    {
        await using var node = await InProcessNode.StartAsync(NodeSettings.Default with { Tokens = [NodeToken] }, keepDataDir: true);
        var secret = await CreateAsync(node, "ci", "read:*");
        using var list = node.Request(HttpMethod.Get, "/v1/config/tokens", NodeToken);
        using var listed = await node.Http.SendAsync(list, TestContext.Current.CancellationToken);
        var body = await listed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Contains("\"ci\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var stored = await File.ReadAllBytesAsync(Path.Combine(node.DataDir, "config", "config.db"), TestContext.Current.CancellationToken);
        Assert.DoesNotContain(secret, Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(node, HttpMethod.Get, "/v1/config/entries?ns=.distkit/tokens", NodeToken));
    }
}
