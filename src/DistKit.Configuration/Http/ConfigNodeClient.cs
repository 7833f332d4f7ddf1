using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DistKit.Configuration.Watching;

namespace DistKit.Configuration.Http;

/// <summary>
/// A client of a node's <c>/v1/config</c> API: what the CLI and the .NET configuration provider use,
/// so an app reading its configuration needs no store and no other DistKit package.
/// </summary>
public sealed partial class ConfigNodeClient
{
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(45);

    private readonly HttpClient _http;
    private readonly Uri _node;
    private readonly string? _token;

    /// <summary>Talks to the node at <paramref name="node"/> through <paramref name="http"/>, sending <paramref name="token"/> when given.</summary>
    public ConfigNodeClient(HttpClient http, Uri node, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(node);
        _http = http;
        _node = node;
        _token = string.IsNullOrWhiteSpace(token) ? null : token;
    }

    /// <summary>The node's address.</summary>
    public Uri Node => _node;

    /// <summary>A key's current value, or null when it does not exist.</summary>
    public async Task<EntryView?> GetAsync(string ns, string key, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, Query("entry", ("ns", ns), ("key", key)), null, cancellationToken, allowNotFound: true);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync(response, ConfigJsonContext.Default.EntryView, cancellationToken);
    }

    /// <summary>The namespace's live keys (under <paramref name="prefix"/>) and the revision they are at.</summary>
    public async Task<SnapshotView> ReadAsync(string ns, string? prefix = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, Query("entries", ("ns", ns), ("prefix", prefix)), null, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.SnapshotView, cancellationToken);
    }

    /// <summary>Publishes (or, with <paramref name="draft"/>, stages) a value; <paramref name="ifMatch"/> makes it compare-and-set.</summary>
    /// <returns>The release, or null when staged.</returns>
    public async Task<ReleaseView?> PutAsync(string ns, string key, ConfigValueType type, string value, string? message = null, string? author = null, long? ifMatch = null, bool draft = false, CancellationToken cancellationToken = default)
    {
        var body = new PutEntryBody(JsonSerializer.SerializeToElement(value, ConfigJsonContext.Default.String), type.ToWire(), message, author, draft ? true : null);
        using var content = JsonContent.Create(body, ConfigJsonContext.Default.PutEntryBody);
        using var response = await SendAsync(HttpMethod.Put, Query("entry", ("ns", ns), ("key", key)), content, cancellationToken, ifMatch: ifMatch);
        return draft ? null : await ReadAsync(response, ConfigJsonContext.Default.ReleaseView, cancellationToken);
    }

    /// <summary>Deletes a key as a release.</summary>
    public async Task<ReleaseView> DeleteAsync(string ns, string key, string? message = null, string? author = null, long? ifMatch = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, Query("entry", ("ns", ns), ("key", key), ("message", message), ("author", author)), null, cancellationToken, ifMatch: ifMatch);
        return await ReadAsync(response, ConfigJsonContext.Default.ReleaseView, cancellationToken);
    }

    /// <summary>A key's versions, newest first.</summary>
    public async Task<HistoryView> HistoryAsync(string ns, string key, int? limit = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, Query("history", ("ns", ns), ("key", key), ("limit", limit?.ToString(CultureInfo.InvariantCulture))), null, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.HistoryView, cancellationToken);
    }

    /// <summary>The line diff between two versions of a key.</summary>
    public async Task<DiffView> DiffAsync(string ns, string key, long fromVersion, long toVersion, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, Query("diff", ("ns", ns), ("key", key), ("from", Text(fromVersion)), ("to", Text(toVersion))), null, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.DiffView, cancellationToken);
    }

    /// <summary>Rolls a key back to a version, or (without a key) the namespace to a revision.</summary>
    public async Task<ReleaseView> RollbackAsync(string ns, string? key, long? toVersion, long? toRevision, string? message = null, string? author = null, CancellationToken cancellationToken = default)
    {
        using var content = JsonContent.Create(new RollbackBody(ns, key, toVersion, toRevision, message, author), ConfigJsonContext.Default.RollbackBody);
        using var response = await SendAsync(HttpMethod.Post, Query("rollback"), content, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.ReleaseView, cancellationToken);
    }

    /// <summary>Publishes the namespace's drafts as one release.</summary>
    public async Task<ReleaseView> PublishAsync(string ns, string? message = null, string? author = null, CancellationToken cancellationToken = default)
    {
        using var content = JsonContent.Create(new PublishBody(ns, null, message, author), ConfigJsonContext.Default.PublishBody);
        using var response = await SendAsync(HttpMethod.Post, Query("publish"), content, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.ReleaseView, cancellationToken);
    }

    /// <summary>The namespace's releases, newest first.</summary>
    public async Task<ReleaseList> ReleasesAsync(string ns, int? limit = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, Query("releases", ("ns", ns), ("limit", limit?.ToString(CultureInfo.InvariantCulture))), null, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.ReleaseList, cancellationToken);
    }

    /// <summary>Sets (null: removes) the JSON Schema of a key, or of the namespace when <paramref name="key"/> is null.</summary>
    public async Task SetSchemaAsync(string ns, string? key, string? schema, CancellationToken cancellationToken = default)
    {
        JsonElement? element = null;
        if (schema is not null)
        {
            try
            {
                element = ConfigViews.Json(schema);
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"the schema is not JSON: {e.Message.Split(" Path:")[0]}", nameof(schema), e);
            }
        }

        using var content = JsonContent.Create(new SchemaBody(element), ConfigJsonContext.Default.SchemaBody);
        using var response = await SendAsync(HttpMethod.Put, Query("schema", ("ns", ns), ("key", key)), content, cancellationToken);
    }

    /// <summary>The namespace's schemas by key (the namespace's own under the empty key).</summary>
    public async Task<SchemaList> SchemasAsync(string ns, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, Query("schemas", ("ns", ns)), null, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.SchemaList, cancellationToken);
    }

    /// <summary>Starts a gray release of one value to the clients with <paramref name="labels"/> and/or in <paramref name="percent"/> of client ids.</summary>
    public async Task<ReleaseView> StartGrayAsync(string ns, string key, ConfigValueType type, string value, IReadOnlyDictionary<string, string>? labels, int? percent, string? message = null, string? author = null, CancellationToken cancellationToken = default)
    {
        var change = new ChangeBody(key, type.ToWire(), JsonSerializer.SerializeToElement(value, ConfigJsonContext.Default.String), null, null);
        using var content = JsonContent.Create(new GrayBody(ns, [change], labels, percent, message, author), ConfigJsonContext.Default.GrayBody);
        using var response = await SendAsync(HttpMethod.Post, Query("gray"), content, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.ReleaseView, cancellationToken);
    }

    /// <summary>Promotes (<paramref name="promote"/>) or abandons the namespace's gray release.</summary>
    public async Task<ReleaseView> EndGrayAsync(string ns, bool promote, string? message = null, string? author = null, CancellationToken cancellationToken = default)
    {
        using var content = JsonContent.Create(new GrayEndBody(ns, message, author), ConfigJsonContext.Default.GrayEndBody);
        using var response = await SendAsync(HttpMethod.Post, Query(promote ? "gray/promote" : "gray/abandon"), content, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.ReleaseView, cancellationToken);
    }

    /// <summary>The namespace's gray release in progress and the clients it reached through the node.</summary>
    public async Task<GrayStatus> GrayAsync(string ns, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, Query("gray", ("ns", ns)), null, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.GrayStatus, cancellationToken);
    }

    /// <summary>Makes a configuration token (takes one of the node's own tokens); the answer holds its secret, shown this once.</summary>
    public async Task<TokenCreated> CreateTokenAsync(string name, IReadOnlyList<string> scopes, string? author = null, CancellationToken cancellationToken = default)
    {
        using var content = JsonContent.Create(new TokenBody(name, scopes, author), ConfigJsonContext.Default.TokenBody);
        using var response = await SendAsync(HttpMethod.Post, Query("tokens"), content, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.TokenCreated, cancellationToken);
    }

    /// <summary>The configuration tokens, by name (never their secrets).</summary>
    public async Task<TokenList> TokensAsync(CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, Query("tokens"), null, cancellationToken);
        return await ReadAsync(response, ConfigJsonContext.Default.TokenList, cancellationToken);
    }

    /// <summary>Revokes a configuration token.</summary>
    public async Task RevokeTokenAsync(string name, string? author = null, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Delete, Query("tokens", ("name", name), ("author", author)), null, cancellationToken);
    }

    /// <summary>
    /// Watches the namespace over Server-Sent Events from after <paramref name="fromRevision"/> (from
    /// a snapshot when null), until cancelled or the stream ends; the caller reconnects from the
    /// last event's revision.
    /// </summary>
    public async IAsyncEnumerable<ConfigEvent> WatchAsync(string ns, string? prefix = null, long? fromRevision = null, WatcherInfo? who = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var labels = who is null ? null : WatcherInfo.FormatLabels(who.Labels);
        var path = Query("watch", ("ns", ns), ("prefix", prefix), ("from", fromRevision is { } from ? Text(from) : null),
            ("client", who?.Client is { Length: > 0 } client ? client : null), ("host", who?.Host is { Length: > 0 } host ? host : null), ("labels", labels));
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken, streaming: true);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream);
        string? data = null;
        while (await ReadLineAsync(reader, cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data is not null)
                {
                    var view = JsonSerializer.Deserialize(data, ConfigJsonContext.Default.ReleaseView)
                        ?? throw new ConfigNodeException(0, "bad_answer", "the node sent an empty event");
                    data = null;
                    yield return ConfigViews.ToEvent(view);
                }

                continue;
            }

            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data = line.AsSpan(5).TrimStart(' ').ToString();
            }
        }
    }

    // The node sends a heartbeat every 15 s: three missed mean the connection is dead (a half-open
    // TCP connection never says so itself), and the caller reconnects.
    private static async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadLineAsync(cancellationToken).AsTask().WaitAsync(IdleLimit, TimeProvider.System, cancellationToken);
        }
        catch (TimeoutException e)
        {
            throw new ConfigNodeException(0, "unreachable", $"the watch stream was silent for {IdleLimit.TotalSeconds:0} s (no heartbeat)", e);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, long? ifMatch = null, bool allowNotFound = false, bool streaming = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(_node, path)) { Content = content };
        if (_token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }

        if (ifMatch is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{Text(version)}\""));
        }

        if (streaming)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ConfigNodeException(0, "unreachable", $"node {_node} did not answer: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConfigNodeException(0, "unreachable", $"node {_node} did not answer in time", e);
        }

        if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound))
        {
            return response;
        }

        using (response)
        {
            throw await ErrorAsync(response, cancellationToken);
        }
    }

    private static async Task<ConfigNodeException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(text);
            var error = document.RootElement.GetProperty("error");
            return new ConfigNodeException(status, error.GetProperty("code").GetString() ?? "http_" + status, error.GetProperty("message").GetString() ?? "");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new ConfigNodeException(status, "http_" + status, $"the node answered {status} {response.ReasonPhrase}");
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync(type, cancellationToken) ?? throw new ConfigNodeException((int)response.StatusCode, "bad_answer", "the node sent an empty answer");

    private static string Query(string route, params (string Name, string? Value)[] parameters)
    {
        var query = string.Join('&', parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
        return $"v1/config/{route}{(query.Length == 0 ? "" : "?" + query)}";
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
