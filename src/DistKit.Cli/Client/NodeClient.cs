using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DistKit.Server.Endpoints;

namespace DistKit.Cli.Client;

/// <summary>
/// A typed client for a node's HTTP API. Command groups add their calls as methods (or use
/// <see cref="GetAsync{T}"/> and <see cref="PostAsync{TRequest,TResponse}"/>); every call turns the
/// node's error body into <see cref="NodeApiException"/> and an unreachable node into
/// <see cref="HttpRequestException"/>.
/// </summary>
public sealed class NodeClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>Creates a client for the node at <paramref name="baseAddress"/>.</summary>
    public NodeClient(Uri baseAddress, string? token, HttpMessageHandler? handler = null, TimeSpan? timeout = null)
    {
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = baseAddress;
        _http.Timeout = timeout ?? TimeSpan.FromSeconds(100);
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>The node's address.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>JSON as the node writes it: snake_case, with contracts generated at build time.</summary>
    public static JsonSerializerOptions JsonOptions => Conventions.CliJsonContext.Default.Options;

    /// <summary><c>GET /v1/info</c>.</summary>
    public Task<NodeInfo> GetInfoAsync(CancellationToken cancellationToken = default) =>
        GetAsync<NodeInfo>("v1/info", cancellationToken);

    /// <summary><c>GET /healthz</c>.</summary>
    public Task<HealthStatus> GetHealthAsync(CancellationToken cancellationToken = default) =>
        GetAsync<HealthStatus>("healthz", cancellationToken);

    /// <summary>GETs a path relative to the node and reads the JSON answer.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    /// <summary>POSTs a JSON body to a path relative to the node and reads the JSON answer.</summary>
    public async Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, TypeInfo<TRequest>(), cancellationToken);
        return await ReadAsync<TResponse>(response, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(response, cancellationToken);
        }

        return await response.Content.ReadFromJsonAsync(TypeInfo<T>(), cancellationToken)
            ?? throw new NodeApiException((int)response.StatusCode, "empty_response", $"the node answered {(int)response.StatusCode} with an empty body");
    }

    private static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)JsonOptions.GetTypeInfo(typeof(T));

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
    public void Dispose() => _http.Dispose();
}
