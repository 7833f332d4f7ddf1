using System.Security.Cryptography;
using System.Text;

namespace DistKit.Server.Http;

/// <summary>
/// When tokens are configured, every <c>/v1</c> request must carry one as
/// <c>Authorization: Bearer …</c>. <c>/healthz</c> stays open for load balancers and probes.
/// </summary>
internal sealed class TokenAuthenticationMiddleware(RequestDelegate next, IReadOnlyList<string> tokens)
{
    // Hashing first gives equal-length inputs, so the comparison time says nothing about the token.
    private readonly byte[][] _tokenHashes = [.. tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t)))];

    public Task InvokeAsync(HttpContext context)
    {
        if (_tokenHashes.Length == 0 || !context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            return next(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Reject(context, "this node requires a token: send 'Authorization: Bearer <token>' (CLI: --token or DISTKIT_TOKEN)");
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
        var known = false;
        foreach (var hash in _tokenHashes)
        {
            known |= CryptographicOperations.FixedTimeEquals(hash, presented);
        }

        return known ? next(context) : Reject(context, "the token is not one this node accepts");
    }

    private static Task Reject(HttpContext context, string message)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiErrorMiddleware.WriteAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, message);
    }
}
