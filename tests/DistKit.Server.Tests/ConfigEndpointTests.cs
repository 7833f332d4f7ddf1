using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace DistKit.Server.Tests;

public sealed class ConfigEndpointTests
{
    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static Uri At(string path) => new(path, UriKind.Relative);

    [Fact(Timeout = 60_000)]
    public async Task Put_Get_History_Diff_Rollback_OverHttp()
    {
        await using var node = await InProcessNode.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        const string value = "{\"maxItems\": 50}";

        using var put = await node.Http.PutAsync(At("/v1/config/entry?ns=shop/prod&key=Checkout"), Json($"{{\"value\":{JsonSerializer.Serialize(value)},\"type\":\"json\",\"message\":\"first\",\"author\":\"alice\"}}"), ct);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("\"1\"", put.Headers.ETag?.Tag);
        using var second = await node.Http.PutAsync(At("/v1/config/entry?ns=shop/prod&key=Checkout"), Json("{\"value\":{\"maxItems\": 80},\"message\":\"raise\"}"), ct);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        using var get = await node.Http.GetAsync(At("/v1/config/entry?ns=shop/prod&key=Checkout"), ct);
        var entry = await JsonAsync(get);
        Assert.Equal("{\"maxItems\": 80}", entry.GetProperty("value").GetString());
        Assert.Equal("json", entry.GetProperty("type").GetString());
        Assert.Equal(2, entry.GetProperty("version").GetInt64());

        var history = await JsonAsync(await node.Http.GetAsync(At("/v1/config/history?ns=shop/prod&key=Checkout"), ct));
        Assert.Equal([2L, 1L], history.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt64()));
        Assert.Equal("alice", history.GetProperty("versions")[1].GetProperty("author").GetString());

        var diff = await JsonAsync(await node.Http.GetAsync(At("/v1/config/diff?ns=shop/prod&key=Checkout&from=1&to=2"), ct));
        Assert.Equal(["-{\"maxItems\": 50}", "+{\"maxItems\": 80}"], diff.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("op").GetString() + l.GetProperty("text").GetString()));

        using var rollback = await node.Http.PostAsync(At("/v1/config/rollback"), Json("{\"ns\":\"shop/prod\",\"key\":\"Checkout\",\"to_version\":1}"), ct);
        Assert.Equal("rollback", (await JsonAsync(rollback)).GetProperty("kind").GetString());
        Assert.Equal(value, (await JsonAsync(await node.Http.GetAsync(At("/v1/config/entry?ns=shop/prod&key=Checkout"), ct))).GetProperty("value").GetString());
    }

    [Fact(Timeout = 60_000)]
    public async Task IfMatch_OnAStaleVersion_Is409_AndInvalidValues_Are400_NamingThePath()
    {
        await using var node = await InProcessNode.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        using (var created = await node.Http.PutAsync(At("/v1/config/entry?ns=a/b&key=k"), Json("{\"value\":\"v1\"}"), ct))
        {
            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        }

        using var stale = node.Request(HttpMethod.Put, "/v1/config/entry?ns=a/b&key=k");
        stale.Content = Json("{\"value\":\"v2\"}");
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"0\""));
        using var conflict = await node.Http.SendAsync(stale, ct);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("conflict", (await JsonAsync(conflict)).GetProperty("error").GetProperty("code").GetString());

        using var badJson = await node.Http.PutAsync(At("/v1/config/entry?ns=a/b&key=j"), Json("{\"value\":\"{oops\",\"type\":\"json\"}"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.Equal("invalid_value", (await JsonAsync(badJson)).GetProperty("error").GetProperty("code").GetString());

        using (var schema = await node.Http.PutAsync(At("/v1/config/schema?ns=a/b&key=limits"), Json("{\"schema\":{\"type\":\"object\",\"properties\":{\"perCity\":{\"maximum\":100}}}}"), ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, schema.StatusCode);
        }

        using var breaks = await node.Http.PutAsync(At("/v1/config/entry?ns=a/b&key=limits"), Json("{\"value\":\"perCity: 500\",\"type\":\"yaml\"}"), ct);
        var error = (await JsonAsync(breaks)).GetProperty("error");
        Assert.Equal(HttpStatusCode.BadRequest, breaks.StatusCode);
        Assert.Contains("/perCity", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        using var noNamespace = await node.Http.GetAsync(At("/v1/config/entries"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, noNamespace.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Http.GetAsync(At("/v1/config/entry?ns=a/b&key=nothing"), ct)).StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Drafts_StagedByPut_ArePublishedAsOneRelease()
    {
        await using var node = await InProcessNode.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(HttpStatusCode.Accepted, (await node.Http.PutAsync(At("/v1/config/entry?ns=x/y&key=a"), Json("{\"value\":\"1\",\"draft\":true}"), ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await node.Http.PutAsync(At("/v1/config/entry?ns=x/y&key=b"), Json("{\"value\":\"2\",\"draft\":true}"), ct)).StatusCode);
        Assert.Equal(0, (await JsonAsync(await node.Http.GetAsync(At("/v1/config/entries?ns=x/y"), ct))).GetProperty("entries").GetArrayLength());

        var release = await JsonAsync(await node.Http.PostAsync(At("/v1/config/publish"), Json("{\"ns\":\"x/y\",\"message\":\"both\"}"), ct));

        Assert.Equal(["a", "b"], release.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("key").GetString()));
        Assert.Equal(2, (await JsonAsync(await node.Http.GetAsync(At("/v1/config/entries?ns=x/y"), ct))).GetProperty("entries").GetArrayLength());
        Assert.Equal(HttpStatusCode.Conflict, (await node.Http.PostAsync(At("/v1/config/publish"), Json("{\"ns\":\"x/y\"}"), ct)).StatusCode);
    }

    [Fact(Timeout = 60_000)]
    public async Task Watch_OverServerSentEvents_SendsTheSnapshot_ThenEachRelease_WithItsRevisionAsTheEventId()
    {
        await using var node = await InProcessNode.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        await node.Http.PutAsync(At("/v1/config/entry?ns=w/s&key=flag"), Json("{\"value\":\"off\"}"), ct);
        using var request = node.Request(HttpMethod.Get, "/v1/config/watch?ns=w/s&client=test-1&labels=zone=eu");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await node.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));

        var snapshot = await ReadEventAsync(reader, ct);
        Assert.Equal("snapshot", snapshot.Event);
        Assert.Equal("off", snapshot.Data.GetProperty("changes")[0].GetProperty("value").GetString());

        var published = await JsonAsync(await node.Http.PutAsync(At("/v1/config/entry?ns=w/s&key=flag"), Json("{\"value\":\"on\"}"), ct));
        var release = await ReadEventAsync(reader, ct);

        Assert.Equal("release", release.Event);
        Assert.Equal(published.GetProperty("revision").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), release.Id);
        Assert.Equal("on", release.Data.GetProperty("changes")[0].GetProperty("value").GetString());
        var clients = await JsonAsync(await node.Http.GetAsync(At("/v1/config/clients?ns=w/s"), ct));
        var client = Assert.Single(clients.GetProperty("clients").EnumerateArray());
        Assert.Equal("test-1", client.GetProperty("client").GetString());
        Assert.Equal("eu", client.GetProperty("labels").GetProperty("zone").GetString());
        var summary = Assert.Single(clients.GetProperty("namespaces").EnumerateArray());
        Assert.Equal(published.GetProperty("revision").GetInt64(), summary.GetProperty("revision").GetInt64());
        Assert.Equal(0, summary.GetProperty("behind").GetInt32());
        Assert.True(summary.GetProperty("reached_all_ms").GetDouble() >= 0);
    }

    [Fact(Timeout = 60_000)]
    public async Task Watch_AsALongPoll_AnswersAtOnceWhenBehind_AndEmptyWhenTheWaitRunsOut()
    {
        await using var node = await InProcessNode.StartAsync();
        var ct = TestContext.Current.CancellationToken;
        var first = await JsonAsync(await node.Http.PutAsync(At("/v1/config/entry?ns=l/p&key=k"), Json("{\"value\":\"1\"}"), ct));
        var second = await JsonAsync(await node.Http.PutAsync(At("/v1/config/entry?ns=l/p&key=k"), Json("{\"value\":\"2\"}"), ct));
        var from = first.GetProperty("revision").GetInt64();

        var behind = await JsonAsync(await node.Http.GetAsync(At($"/v1/config/watch?ns=l/p&from={from}"), ct));
        Assert.Equal(second.GetProperty("revision").GetInt64(), behind.GetProperty("revision").GetInt64());
        Assert.Equal("2", behind.GetProperty("events")[0].GetProperty("changes")[0].GetProperty("value").GetString());

        var idle = await JsonAsync(await node.Http.GetAsync(At($"/v1/config/watch?ns=l/p&from={behind.GetProperty("revision").GetInt64()}&wait=200ms"), ct));
        Assert.Equal(0, idle.GetProperty("events").GetArrayLength());
        Assert.Equal(behind.GetProperty("revision").GetInt64(), idle.GetProperty("revision").GetInt64());
    }

    private static async Task<(string? Id, string? Event, JsonElement Data)> ReadEventAsync(StreamReader reader, CancellationToken ct)
    {
        string? id = null, type = null, data = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                return (id, type, JsonDocument.Parse(data).RootElement);
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
        }

        throw new EndOfStreamException("the event stream ended");
    }
}
