using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using DistKit.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DistKit.Server.Tests;

public sealed class JobEndpointTests
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact(Timeout = 60_000)]
    public async Task ScheduledCallback_IsAPostWhoseBodyIsExactlyTheData_WithTheJobsHeaders()
    {
        var received = new ConcurrentQueue<(string Body, string? Id, string? Attempt, string? Idempotency)>();
        await using var node = await InProcessNode.StartAsync(extraRoutes: app => app.MapPost("/test/callback", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            received.Enqueue((await reader.ReadToEndAsync(), context.Request.Headers["DistKit-Job-Id"], context.Request.Headers["DistKit-Attempt"], context.Request.Headers["DistKit-Idempotency-Key"]));
            return Results.Ok();
        }));
        var callback = new Uri(node.Address, "/test/callback");
        var data = "{ \"coupon\" : \"WELCOME10\",  \"user\": 42 }";

        using var scheduled = await node.Http.PostAsync(new Uri("/v1/jobs", UriKind.Relative),
            Json($"{{\"in\":\"300ms\",\"http\":\"{callback}\",\"data\":{data},\"idempotency_key\":\"signup-42\"}}"), TestContext.Current.CancellationToken);
        var job = await JsonAsync(scheduled);
        var id = job.GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.Created, scheduled.StatusCode);
        Assert.Equal("created", job.GetProperty("outcome").GetString());
        Assert.True(await Until.TrueAsync(async () =>
            (await JsonAsync(await node.Http.GetAsync(new Uri($"/v1/jobs/{id}", UriKind.Relative), TestContext.Current.CancellationToken))).GetProperty("state").GetString() == "succeeded",
            TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken));
        var delivery = Assert.Single(received);
        Assert.Equal(data, delivery.Body);
        Assert.Equal(id, delivery.Id);
        Assert.Equal("1", delivery.Attempt);
        Assert.Equal("signup-42", delivery.Idempotency);
    }

    [Fact(Timeout = 60_000)]
    public async Task Schedule_Get_List_Cancel_ByIdAndByKey_AndIdempotentResubmission()
    {
        await using var node = await InProcessNode.StartAsync();
        var http = node.Http;
        var ct = TestContext.Current.CancellationToken;
        var body = "{\"at\":\"2099-01-01T10:00:00Z\",\"http\":\"http://127.0.0.1:9/x\",\"key\":\"order:1:timeout\",\"idempotency_key\":\"req-1\"}";

        var first = await JsonAsync(await http.PostAsync(new Uri("/v1/jobs", UriKind.Relative), Json(body), ct));
        using var again = await http.PostAsync(new Uri("/v1/jobs", UriKind.Relative), Json(body), ct);
        var id = first.GetProperty("id").GetString();
        var shown = await JsonAsync(await http.GetAsync(new Uri($"/v1/jobs/{id}", UriKind.Relative), ct));
        var listed = await JsonAsync(await http.GetAsync(new Uri("/v1/jobs?state=scheduled&limit=10", UriKind.Relative), ct));
        var byKey = await JsonAsync(await http.DeleteAsync(new Uri("/v1/jobs?key=order:1:timeout", UriKind.Relative), ct));
        using var noKey = await http.DeleteAsync(new Uri("/v1/jobs?key=order:1:timeout", UriKind.Relative), ct);
        var other = await JsonAsync(await http.PostAsync(new Uri("/v1/jobs", UriKind.Relative), Json("{\"in\":\"1h\",\"http\":\"http://127.0.0.1:9/x\"}"), ct));
        var cancelled = await JsonAsync(await http.DeleteAsync(new Uri($"/v1/jobs/{other.GetProperty("id").GetString()}", UriKind.Relative), ct));
        using var missing = await http.GetAsync(new Uri("/v1/jobs/0123456789abcdef0123456789abcdef", UriKind.Relative), ct);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("existing", (await JsonAsync(again)).GetProperty("outcome").GetString());
        Assert.Equal(id, (await JsonAsync(again)).GetProperty("id").GetString());
        Assert.Equal("2099-01-01T10:00:00+00:00", shown.GetProperty("due").GetString());
        Assert.Equal("http://127.0.0.1:9/x", shown.GetProperty("address").GetString());
        Assert.Contains(listed.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("id").GetString() == id);
        Assert.Equal("cancelled", byKey.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.NotFound, noKey.StatusCode);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Theory]
    [InlineData("{\"in\":\"10x\",\"http\":\"http://127.0.0.1:9/\"}", "in: '10x' is not a duration")]
    [InlineData("{\"at\":\"tomorrow\",\"http\":\"http://127.0.0.1:9/\"}", "is not an ISO-8601 time")]
    [InlineData("{\"cron\":\"61 * * * *\",\"http\":\"http://127.0.0.1:9/\"}", "is not a cron expression")]
    [InlineData("{\"in\":\"1s\",\"http\":\"ftp://127.0.0.1/\"}", "is not an absolute http or https URL")]
    [InlineData("{\"in\":\"1s\",\"http\":\"not a url\"}", "is not an absolute http or https URL")]
    [InlineData("{\"in\":\"1s\"}", "give exactly one target")]
    [InlineData("{\"http\":\"http://127.0.0.1:9/\"}", "give exactly one time")]
    [InlineData("{\"in\":\"1s\",\"cron\":\"* * * * *\",\"http\":\"http://127.0.0.1:9/\"}", "give exactly one time")]
    [InlineData("{\"in\":\"1s\",\"http\":\"http://127.0.0.1:9/\",\"timeout\":\"2m\"}", "Timeout must be 1 ms to 60 s")]
    [InlineData("{\"in\":\"1s\",\"http\":\"http://127.0.0.1:9/\",\"attempts\":0}", "Attempts must be 1 to 100")]
    [InlineData("{\"in\":\"1s\",\"nats\":\"orders.timeout\"}", "NATS targets need the DistKit.Nats package")]
    [InlineData("{\"in\":\"1s\",\"http\":", "")]
    public async Task MalformedSchedule_Answers400_SayingWhy(string body, string reason)
    {
        await using var node = await InProcessNode.StartAsync();
        using var response = await node.Http.PostAsync(new Uri("/v1/jobs", UriKind.Relative), Json(body), TestContext.Current.CancellationToken);
        var error = (await JsonAsync(response)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/jobs?state=sleeping")]
    [InlineData("/v1/jobs?limit=0")]
    [InlineData("/v1/jobs?limit=5000")]
    public async Task MalformedList_Answers400(string path)
    {
        await using var node = await InProcessNode.StartAsync();
        using var response = await node.Http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
