using DistKit.Configuration.Access;

namespace DistKit.Server.Http;

/// <summary>
/// What the request's token may do, as <see cref="TokenAuthenticationMiddleware"/> found it: anything
/// (one of the node's own tokens, or a node without tokens), or a configuration token's scopes.
/// </summary>
internal static class NodeAccess
{
    private static readonly object AllKey = new();
    private static readonly object TokenKey = new();

    public static void GrantAll(HttpContext context) => context.Items[AllKey] = true;

    public static void Grant(HttpContext context, ConfigToken token) => context.Items[TokenKey] = token;

    /// <summary>The configuration token the request came with, when it is not a node token.</summary>
    public static ConfigToken? Token(HttpContext context) => context.Items.TryGetValue(TokenKey, out var token) ? token as ConfigToken : null;

    /// <summary>Throws 403 unless the request may do <paramref name="scope"/> on <paramref name="ns"/>.</summary>
    public static void Require(HttpContext context, string ns, ConfigScope scope)
    {
        if (context.Items.ContainsKey(AllKey))
        {
            return;
        }

        var token = Token(context) ?? throw new ApiException(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "this node requires a token");
        if (!token.Allows(ns, scope))
        {
            throw new ApiException(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden,
                $"token '{token.Name}' may not {Verb(scope)} in '{ns}' (it holds {string.Join(", ", token.Grants)})");
        }
    }

    /// <summary>Throws 403 unless the request came with one of the node's own tokens (or the node has none).</summary>
    public static void RequireNodeToken(HttpContext context, string what)
    {
        if (!context.Items.ContainsKey(AllKey))
        {
            throw new ApiException(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, $"{what} takes one of the node's own tokens, not a configuration token");
        }
    }

    private static string Verb(ConfigScope scope) => scope switch
    {
        ConfigScope.Read => "read",
        ConfigScope.Write => "write",
        ConfigScope.Publish => "publish",
        _ => "write and publish",
    };
}
