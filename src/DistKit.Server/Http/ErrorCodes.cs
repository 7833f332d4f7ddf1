namespace DistKit.Server.Http;

/// <summary>The error codes the API uses; clients may branch on them, so they never change meaning.</summary>
public static class ErrorCodes
{
    /// <summary>A parameter or body field is missing or out of range (400).</summary>
    public const string InvalidArgument = "invalid_argument";

    /// <summary>The request could not be read at all: malformed JSON, wrong content type (400).</summary>
    public const string BadRequest = "bad_request";

    /// <summary>No token, or a token the node does not know (401).</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The token is known but may not do this (403).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>No such route or resource (404).</summary>
    public const string NotFound = "not_found";

    /// <summary>The route exists but not for this HTTP method (405).</summary>
    public const string MethodNotAllowed = "method_not_allowed";

    /// <summary>The resource is in a state that does not allow the request (409).</summary>
    public const string Conflict = "conflict";

    /// <summary>The request body is larger than the node accepts (413).</summary>
    public const string TooLarge = "payload_too_large";

    /// <summary>A failure inside the node; the message names the trace id to find it in the log (500).</summary>
    public const string Internal = "internal";

    /// <summary>An engine the request needs is not answering (503).</summary>
    public const string Unavailable = "unavailable";

    /// <summary>The code for a status with no more specific one.</summary>
    public static string ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => BadRequest,
        StatusCodes.Status401Unauthorized => Unauthorized,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status413PayloadTooLarge => TooLarge,
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        StatusCodes.Status503ServiceUnavailable => Unavailable,
        >= 500 => Internal,
        _ => "http_" + status,
    };
}
