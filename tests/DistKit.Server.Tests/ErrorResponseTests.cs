using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DistKit.Server.Tests;

/// <summary>Every error leaves the node as {"error":{"code","message"}}, from one middleware.</summary>
public sealed class ErrorResponseTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, string Code, string Message)> ReadErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        var error = doc.RootElement.GetProperty("error");
        return (response.StatusCode, error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task UnknownRoute_Answers404WithJsonError()
    {
        await using var node = await InProcessNode.StartAsync();
        using var response = await node.Http.GetAsync(new Uri("/v1/no-such-thing", UriKind.Relative), Cancel);
        var (status, code, message) = await ReadErrorAsync(response);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not_found", code);
        Assert.Contains("/v1/no-such-thing", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongMethod_Answers405WithJsonError()
    {
        await using var node = await InProcessNode.StartAsync();
        using var response = await node.Http.PostAsync(new Uri("/v1/info", UriKind.Relative), null, Cancel);
        var (status, code, _) = await ReadErrorAsync(response);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, status);
        Assert.Equal("method_not_allowed", code);
    }

    [Fact]
    public async Task ApiException_AnswersItsStatusAndCode()
    {
        await using var node = await InProcessNode.StartAsync(extraRoutes: app =>
            app.MapGet("/v1/test/invalid", () => { throw Http.ApiException.InvalidArgument("count must be 1..10000, got 0"); }));
        using var response = await node.Http.GetAsync(new Uri("/v1/test/invalid", UriKind.Relative), Cancel);
        var (status, code, message) = await ReadErrorAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_argument", code);
        Assert.Equal("count must be 1..10000, got 0", message);
    }

    [Fact]
    public async Task QueryValueOfWrongType_Answers400NamingTheParameter()
    {
        await using var node = await InProcessNode.StartAsync(extraRoutes: app =>
            app.MapGet("/v1/test/typed", (int count) => count));
        using var response = await node.Http.GetAsync(new Uri("/v1/test/typed?count=many", UriKind.Relative), Cancel);
        var (status, code, message) = await ReadErrorAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("bad_request", code);
        Assert.Contains("count", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedJsonBody_Answers400()
    {
        await using var node = await InProcessNode.StartAsync(extraRoutes: app =>
            app.MapPost("/v1/test/body", (Payload payload) => payload.Name));
        using var content = new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json");
        using var response = await node.Http.PostAsync(new Uri("/v1/test/body", UriKind.Relative), content, Cancel);
        var (status, code, _) = await ReadErrorAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("bad_request", code);
    }

    [Fact]
    public async Task UnhandledException_Answers500WithoutAStackTrace()
    {
        await using var node = await InProcessNode.StartAsync(extraRoutes: app =>
            app.MapGet("/v1/test/boom", (HttpContext _) => { throw new InvalidOperationException("secret internal detail"); }));
        using var response = await node.Http.GetAsync(new Uri("/v1/test/boom", UriKind.Relative), Cancel);
        var (status, code, message) = await ReadErrorAsync(response);
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal("internal", code);
        Assert.DoesNotContain("secret internal detail", message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", message, StringComparison.Ordinal);
        Assert.Contains("trace id", message, StringComparison.Ordinal);
    }

    public sealed record Payload(string Name);
}
