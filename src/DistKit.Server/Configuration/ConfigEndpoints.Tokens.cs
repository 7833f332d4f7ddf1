using DistKit.Configuration.Access;
using DistKit.Configuration.Http;
using DistKit.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DistKit.Server.Configuration;

internal static partial class ConfigEndpoints
{
    private static async Task<JsonHttpResult<TokenCreated>> CreateTokenAsync(TokenBody? body, ConfigTokens tokens, HttpContext context)
    {
        NodeAccess.RequireNodeToken(context, "making tokens");
        if (body?.Name is not { } name || body.Scopes is not { Count: > 0 } scopes)
        {
            throw ApiException.InvalidArgument("give name and scopes, such as {\"name\":\"ci\",\"scopes\":[\"read:shop/\",\"publish:shop/prod\"]}");
        }

        var grants = scopes.Select(ConfigGrant.Parse).ToList();
        var (token, secret) = await tokens.CreateAsync(name, grants, Author(body.Author, context), context.RequestAborted);
        return TypedResults.Json(new TokenCreated(token.Name, secret, [.. token.Grants.Select(g => g.ToString())], token.Created), ConfigJsonContext.Default.TokenCreated, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<JsonHttpResult<TokenList>> TokensAsync(ConfigTokens tokens, HttpContext context)
    {
        NodeAccess.RequireNodeToken(context, "listing tokens");
        var list = await tokens.ListAsync(context.RequestAborted);
        return TypedResults.Json(new TokenList([.. list.Select(t => new TokenView(t.Name, [.. t.Grants.Select(g => g.ToString())], t.Created, t.Author))]), ConfigJsonContext.Default.TokenList);
    }

    private static async Task<NoContent> RevokeTokenAsync(string? name, string? author, ConfigTokens tokens, HttpContext context)
    {
        NodeAccess.RequireNodeToken(context, "revoking tokens");
        return await tokens.RevokeAsync(Key(name), Author(author, context), context.RequestAborted)
            ? TypedResults.NoContent()
            : throw ApiException.NotFound($"no token is named '{name}'");
    }
}
