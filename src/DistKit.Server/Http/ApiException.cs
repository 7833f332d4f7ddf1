using DistKit.Core;

namespace DistKit.Server.Http;

/// <summary>
/// Thrown by an endpoint to answer with <c>{"error":{"code","message"}}</c> and a 4xx/5xx
/// status; <see cref="ApiErrorMiddleware"/> turns it into the response.
/// </summary>
public sealed class ApiException : DistKitException
{
    /// <summary>Creates an API error with an HTTP status, a stable machine-readable code and a message for people.</summary>
    public ApiException(int status, string code, string message) : base(message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        Status = status;
        Code = code;
    }

    /// <summary>The HTTP status code, 400–599.</summary>
    public int Status { get; }

    /// <summary>A stable snake_case code clients can branch on (<c>invalid_argument</c>, <c>conflict</c>).</summary>
    public string Code { get; }

    /// <summary>400 <c>invalid_argument</c>: the request names something wrong.</summary>
    public static ApiException InvalidArgument(string message) => new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidArgument, message);

    /// <summary>404 <c>not_found</c>.</summary>
    public static ApiException NotFound(string message) => new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, message);

    /// <summary>409 <c>conflict</c>: the request is valid but the state does not allow it.</summary>
    public static ApiException Conflict(string message) => new(StatusCodes.Status409Conflict, ErrorCodes.Conflict, message);
}
