using System.Diagnostics;
using DistKit.Search;
using DistKit.Server.Http;

namespace DistKit.Server.Search;

/// <summary>
/// What every response of the Elasticsearch-compatible API gets: the product header official
/// clients check for (<c>X-Elastic-Product: Elasticsearch</c>), the media type they asked for, the
/// node's tokens checked, and errors in Elasticsearch's shape with its status codes.
/// </summary>
internal sealed partial class ElasticMiddleware(RequestDelegate next, ILogger<ElasticMiddleware> logger, IReadOnlyList<string> tokens)
{
    private const string VendorType = "application/vnd.elasticsearch+json";

    private readonly NodeTokens _tokens = new(tokens);

    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        try
        {
            ElasticRequest.SetMediaType(context, CompatibleVersion(context));
            if (!Authenticated(context))
            {
                context.Response.Headers.WWWAuthenticate = new(["ApiKey", "Bearer realm=\"distkit\""]);
                throw new SearchException("security_exception", $"missing authentication credentials for REST request [{context.Request.Path}]", 401);
            }

            await next(context);
            if (context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed && !context.Response.HasStarted)
            {
                await ElasticRequest.WritePlainErrorAsync(context, 405, $"Incorrect HTTP method for uri [{context.Request.Path}{context.Request.QueryString}] and method [{context.Request.Method}]");
            }
        }
        catch (SearchException e) when (!context.Response.HasStarted)
        {
            await ElasticRequest.WriteErrorAsync(context, e);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Kestrel's refusals: a body over the limit (413), a malformed request.
            var type = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "content_too_long_exception" : "illegal_argument_exception";
            await ElasticRequest.WriteErrorAsync(context, new SearchException(type, e.Message, e.StatusCode));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OutOfMemoryException)
        {
            var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
            LogUnhandled(logger, e, context.Request.Method, context.Request.Path, traceId);
            await ElasticRequest.WriteErrorAsync(context, new SearchException("exception", $"internal error; the node's log has the details under trace id {traceId}", 500));
        }
    }

    // Official clients send "application/vnd.elasticsearch+json; compatible-with=9" (or 8); the
    // answer carries the same type. Other versions are refused as Elasticsearch 9 refuses them.
    private static int? CompatibleVersion(HttpContext context)
    {
        int? version = null;
        foreach (var header in new[] { context.Request.Headers.Accept.ToString(), context.Request.ContentType ?? "" })
        {
            if (!header.Contains(VendorType, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var at = header.IndexOf("compatible-with=", StringComparison.OrdinalIgnoreCase);
            var text = at < 0 ? "" : new string([.. header[(at + "compatible-with=".Length)..].TakeWhile(char.IsAsciiDigit)]);
            if (text is not ("8" or "9"))
            {
                throw new SearchException("media_type_header_exception",
                    $"Invalid media-type value on headers [Accept, Content-Type]: [{header}] (this server is compatible with 8 and 9)", 400);
            }

            version = int.Parse(text);
        }

        return version;
    }

    private bool Authenticated(HttpContext context)
    {
        if (_tokens.IsEmpty)
        {
            return true;
        }

        // Elasticsearch clients send an API key as "ApiKey <key>"; tools send "Bearer <token>".
        var header = context.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !(header[..space].Equals("Bearer", StringComparison.OrdinalIgnoreCase) || header[..space].Equals("ApiKey", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        return _tokens.Contains(header[(space + 1)..].Trim());
    }

    [LoggerMessage(EventId = 5200, Level = LogLevel.Error, Message = "search API {Method} {Path} failed (trace id {TraceId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path, string traceId);
}
