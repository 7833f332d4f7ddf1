using System.Text.Json.Serialization;

namespace DistKit.Server.Http;

/// <summary>The body of every error response: <c>{"error":{"code","message"}}</c>.</summary>
/// <param name="Error">What went wrong.</param>
public sealed record ErrorBody([property: JsonPropertyName("error")] ErrorDetail Error);

/// <summary>One error: a stable code for programs and a message for people.</summary>
/// <param name="Code">Stable snake_case code, see <see cref="ErrorCodes"/>.</param>
/// <param name="Message">One sentence saying what was wrong and, where it helps, what to do.</param>
public sealed record ErrorDetail(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message);
