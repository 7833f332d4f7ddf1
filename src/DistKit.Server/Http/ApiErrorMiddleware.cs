using System.Diagnostics;
using System.Text.Json;
using DistKit.Core;

namespace DistKit.Server.Http;

/// <summary>
/// The one place errors become responses: every exception and every bodiless 4xx/5xx leaves the
/// node as <c>{"error":{"code","message"}}</c>, never as a stack trace or an empty page.
/// </summary>
internal sealed partial class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    // Engines restart in seconds, and the node re-acquires what it lost in the background.
    private const string RetryAfterSeconds = "1";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, e.Status, e.Code, e.Message);
            return;
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Thrown by model binding (a query value of the wrong type, malformed JSON) and by Kestrel (body too large).
            var code = e.StatusCode == StatusCodes.Status400BadRequest ? ErrorCodes.BadRequest : ErrorCodes.ForStatus(e.StatusCode);
            await WriteAsync(context, e.StatusCode, code, e.Message);
            return;
        }
        catch (DistKitException e) when (e.IsTransient && !context.Response.HasStarted)
        {
            // An engine down, a worker id not (yet) held, a clock behind: the same request may
            // succeed shortly, and the node recovers by itself, so say when to come back.
            LogUnavailable(logger, context.Request.Method, context.Request.Path, e.Message);
            await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, e.Message, RetryAfterSeconds);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
            return;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
            LogUnhandled(logger, e, context.Request.Method, context.Request.Path, traceId);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, ErrorCodes.Internal, $"internal error; the node's log has the details under trace id {traceId}");
            return;
        }

        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && response.ContentType is null)
        {
            await WriteAsync(context, response.StatusCode, ErrorCodes.ForStatus(response.StatusCode), DefaultMessage(context));
        }
    }

    private static string DefaultMessage(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => $"no route for {context.Request.Method} {context.Request.Path}",
        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path}",
        var status => ReasonPhrase(status),
    };

    private static string ReasonPhrase(int status) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase.ToLowerInvariant() : $"http status {status}";

    internal static async Task WriteAsync(HttpContext context, int status, string code, string message, string? retryAfter = null)
    {
        var response = context.Response;
        response.Clear();
        if (retryAfter is not null)
        {
            response.Headers.RetryAfter = retryAfter;
        }

        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, new ErrorBody(new ErrorDetail(code, message)), ApiJsonContext.Default.ErrorBody, context.RequestAborted);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path} (trace id {TraceId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path, string traceId);
}
