using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DistKit.Client.Internal;
using DistKit.Core;

namespace DistKit.Client;

/// <summary>
/// A client of a DistKit node's <c>/v1</c> API. An error answer becomes a
/// <see cref="NodeApiException"/>; a node that cannot be reached, a transient
/// <see cref="EngineUnavailableException"/> with engine <c>node</c>. Thread-safe; share one.
/// </summary>
public sealed partial class NodeClient : IDisposable
{
    /// <summary>The engine name the client reports itself as, in errors and as a lock backend.</summary>
    public const string Engine = "node";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client of the node at <paramref name="baseAddress"/>, sending <paramref name="token"/> as a bearer token when given.</summary>
    public NodeClient(Uri baseAddress, string? token = null, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = baseAddress;
        _http.Timeout = timeout ?? TimeSpan.FromSeconds(100);
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _ownsHttp = true;
    }

    /// <summary>A client over an <see cref="HttpClient"/> the app configured (from <c>IHttpClientFactory</c>, say); its <c>BaseAddress</c> is the node's.</summary>
    public NodeClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http.BaseAddress is not null ? http : throw new ArgumentException("the HttpClient needs the node's BaseAddress", nameof(http));
    }

    /// <summary>The node's address.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>How long one request may take; a lock wait is asked for in slices that fit in it.</summary>
    public TimeSpan RequestTimeout => _http.Timeout;

    /// <summary><c>GET /v1/info</c>: the node, and the engine behind each capability it serves.</summary>
    public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "v1/info", null, ClientJsonContext.Default.NodeInfo, cancellationToken);

    /// <summary><c>GET /healthz</c>.</summary>
    public Task<NodeHealth> GetHealthAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "healthz", null, ClientJsonContext.Default.NodeHealth, cancellationToken);

    /// <summary><c>GET /v1/ids</c>: <paramref name="count"/> new ids (1 to 10,000) of the node's generator for <paramref name="layout"/> (default Snowflake).</summary>
    public async Task<long[]> NextIdsAsync(int count = 1, string? layout = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var path = $"v1/ids?count={count.ToString(CultureInfo.InvariantCulture)}" + (layout is null ? "" : $"&layout={Uri.EscapeDataString(layout)}");
        return Parse(await SendAsync(HttpMethod.Get, path, null, ClientJsonContext.Default.IdList, cancellationToken));
    }

    /// <summary><c>GET /v1/segments/{key}</c>: <paramref name="count"/> dense, increasing ids of the business key <paramref name="key"/>.</summary>
    public async Task<long[]> TakeSegmentIdsAsync(string key, int count = 1, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var path = $"v1/segments/{Uri.EscapeDataString(key)}?count={count.ToString(CultureInfo.InvariantCulture)}";
        return Parse(await SendAsync(HttpMethod.Get, path, null, ClientJsonContext.Default.IdList, cancellationToken));
    }

    internal Task<LockGrant> AcquireLockAsync(string name, TimeSpan ttl, TimeSpan wait, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{LockPath(name)}:acquire", JsonContent.Create(new AcquireBody(Ms(ttl), Ms(wait)), ClientJsonContext.Default.AcquireBody), ClientJsonContext.Default.LockGrant, cancellationToken);

    internal Task<LockGrant> RenewLockAsync(string name, string token, TimeSpan ttl, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{LockPath(name)}:renew", JsonContent.Create(new TokenBody(token, Ms(ttl)), ClientJsonContext.Default.TokenBody), ClientJsonContext.Default.LockGrant, cancellationToken);

    internal Task<LockReleased> ReleaseLockAsync(string name, string token, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{LockPath(name)}:release", JsonContent.Create(new TokenBody(token, null), ClientJsonContext.Default.TokenBody), ClientJsonContext.Default.LockReleased, cancellationToken);

    private static string LockPath(string name) => $"v1/locks/{Uri.EscapeDataString(name)}";

    private static long Ms(TimeSpan span) => (long)span.TotalMilliseconds;

    private static long[] Parse(IdList list) =>
        [.. list.Ids.Select(id => long.Parse(id, NumberStyles.None, CultureInfo.InvariantCulture))];

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            Diagnostics.ClientDiagnostics.EngineError(Engine);
            throw new EngineUnavailableException(Engine, new HttpRequestException($"cannot reach the node at {BaseAddress}: {e.Message}", e));
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            Diagnostics.ClientDiagnostics.EngineError(Engine);
            throw new EngineUnavailableException(Engine, new TimeoutException($"the node at {BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0} s", e));
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ToExceptionAsync(response, cancellationToken);
            }

            return await response.Content.ReadFromJsonAsync(answer, cancellationToken)
                ?? throw new NodeApiException((int)response.StatusCode, "empty_response", $"the node answered {(int)response.StatusCode} with an empty body");
        }
    }

    private static async Task<NodeApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("error", out var error) &&
                error.TryGetProperty("code", out var code) &&
                error.TryGetProperty("message", out var message))
            {
                return new NodeApiException(status, code.GetString() ?? "unknown", message.GetString() ?? "");
            }
        }
        catch (JsonException)
        {
            // Not a DistKit node, or a proxy in between answered; report what came back.
        }

        var snippet = text.Length > 200 ? text[..200] + "…" : text;
        return new NodeApiException(status, "http_" + status, $"the node answered {status} {response.ReasonPhrase}: {snippet.ReplaceLineEndings(" ")}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
