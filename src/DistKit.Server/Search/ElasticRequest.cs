using System.Text.Json;
using DistKit.Search;
using DistKit.Search.Engine;
using DistKit.Search.Wire;

namespace DistKit.Server.Search;

/// <summary>
/// One request to the Elasticsearch-compatible API: its URL parameters, checked against the ones the
/// endpoint takes (Elasticsearch refuses any other, so a typo is an error, not ignored), its body
/// read whole, and the response written in the media type the client asked for.
/// </summary>
internal sealed class ElasticRequest
{
    // Taken by every endpoint; they change only how the response is laid out.
    private static readonly string[] Always = ["pretty", "human", "error_trace", "filter_path"];
    private static readonly object MediaTypeKey = new();

    private ElasticRequest(HttpContext context, string[] parameters)
    {
        Context = context;
        foreach (var key in context.Request.Query.Keys)
        {
            if (!parameters.Contains(key, StringComparer.Ordinal) && !Always.Contains(key, StringComparer.Ordinal))
            {
                throw SearchException.IllegalArgument($"request [{context.Request.Path}] contains unrecognized parameter: [{key}]");
            }
        }

        if (Parameter("filter_path") is not null)
        {
            throw SearchException.IllegalArgument("[filter_path] is not supported by this engine yet");
        }

        Engine = context.RequestServices.GetRequiredService<ISearchEngine>();
        Time = context.RequestServices.GetRequiredService<TimeProvider>();
        Started = Time.GetTimestamp();
    }

    public HttpContext Context { get; }

    public ISearchEngine Engine { get; }

    public TimeProvider Time { get; }

    public long Started { get; }

    /// <summary>Milliseconds since the request arrived, for <c>took</c>.</summary>
    public long TookMilliseconds => (long)Time.GetElapsedTime(Started).TotalMilliseconds;

    /// <summary>Checks the URL parameters against <paramref name="parameters"/>.</summary>
    public static ElasticRequest Of(HttpContext context, params string[] parameters) => new(context, parameters);

    public string Route(string name) => Context.Request.RouteValues[name] as string ?? "";

    public string? Parameter(string name) => Context.Request.Query.TryGetValue(name, out var values) ? values.ToString() : null;

    public bool Flag(string name, bool fallback = false) => Parameter(name) is { } value ? SearchBody.Flag(value, name) : fallback;

    /// <summary><c>?refresh</c>: <c>true</c> (or empty) refreshes at once, <c>wait_for</c> waits for the next refresh.</summary>
    public RefreshPolicy Refresh() => Parameter("refresh") switch
    {
        null or "false" => RefreshPolicy.None,
        "" or "true" => RefreshPolicy.Immediate,
        "wait_for" => RefreshPolicy.WaitFor,
        var other => throw SearchException.IllegalArgument($"Unknown value for refresh: [{other}]."),
    };

    public long? Long(string name) =>
        Parameter(name) is not { } text ? null
        : long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value
        : throw SearchException.IllegalArgument($"Failed to parse long parameter [{name}] with value [{text}]");

    /// <summary>The body, whole; empty when there is none.</summary>
    public async Task<ReadOnlyMemory<byte>> BodyBytesAsync()
    {
        using var buffer = new MemoryStream();
        await Context.Request.Body.CopyToAsync(buffer, Context.RequestAborted);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>The body as JSON; null when there is none.</summary>
    public async Task<JsonDocument?> BodyAsync() => ElasticJson.ParseBody(await BodyBytesAsync());

    /// <summary>The body as JSON; a 400 when there is none.</summary>
    public async Task<JsonDocument> RequiredBodyAsync() =>
        await BodyAsync() ?? throw new SearchException("parse_exception", "request body is required");

    public Task RespondAsync(int status, Action<Utf8JsonWriter> write) => WriteAsync(Context, status, write);

    /// <summary>Answers with a status and no body (HEAD).</summary>
    public Task StatusAsync(int status)
    {
        Context.Response.StatusCode = status;
        Context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    public static void SetMediaType(HttpContext context, int? compatibleWith) => context.Items[MediaTypeKey] = compatibleWith;

    public static Task WriteErrorAsync(HttpContext context, SearchException error) =>
        WriteAsync(context, error.Status, writer => ElasticJson.WriteError(writer, error));

    /// <summary>Elasticsearch's error for a path or method it has no handler for: the reason as a plain string.</summary>
    public static Task WritePlainErrorAsync(HttpContext context, int status, string reason) =>
        WriteAsync(context, status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("error", reason);
            writer.WriteNumber("status", status);
            writer.WriteEndObject();
        });

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = context.Items.TryGetValue(MediaTypeKey, out var version) && version is int v
            ? $"application/vnd.elasticsearch+json;compatible-with={v}"
            : "application/json; charset=UTF-8";
        var pretty = context.Request.Query.TryGetValue("pretty", out var value) && value.ToString() is "" or "true";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = pretty, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        response.ContentLength = buffer.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
        }
    }
}
