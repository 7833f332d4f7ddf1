using DistKit.Configuration.Access;

namespace DistKit.Server.Http;

/// <summary>
/// When tokens are configured, every <c>/v1</c> request must carry one as
/// <c>Authorization: Bearer …</c>: one of the node's tokens (which may do anything), or, under
/// <c>/v1/config</c>, a configuration token whose scopes each endpoint checks. <c>/healthz</c>
/// stays open for load balancers and probes.
/// </summary>
internal sealed class TokenAuthenticationMiddleware(RequestDelegate next, IReadOnlyList<string> tokens)
{
    private readonly NodeTokens _tokens = new(tokens);

    // Paths compare without case, as routing matches them: /V1/… reaches the same endpoints.
    public async Task InvokeAsync(HttpContext context)
    {
        if (_tokens.IsEmpty || !context.Request.Path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase))
        {
            NodeAccess.GrantAll(context);
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            await Reject(context, "this node requires a token: send 'Authorization: Bearer <token>' (CLI: --token or DISTKIT_TOKEN)");
            return;
        }

        var secret = header[Scheme.Length..].Trim();
        if (_tokens.Contains(secret))
        {
            NodeAccess.GrantAll(context);
            await next(context);
            return;
        }

        if (context.Request.Path.StartsWithSegments("/v1/config", StringComparison.OrdinalIgnoreCase)
            && context.RequestServices.GetService<ConfigTokens>() is { } configTokens
            && await configTokens.FindAsync(secret, context.RequestAborted) is { } token)
        {
            NodeAccess.Grant(context, token);
            await next(context);
            return;
        }

        await Reject(context, "the token is not one this node accepts");
    }

    private static Task Reject(HttpContext context, string message)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiErrorMiddleware.WriteAsync(context, StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, message);
    }
}
