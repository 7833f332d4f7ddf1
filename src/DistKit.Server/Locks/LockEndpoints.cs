using System.Text.RegularExpressions;
using DistKit.Server.Http;

namespace DistKit.Server.Locks;

/// <summary><c>POST /v1/locks/{name}:acquire|:renew|:release</c>.</summary>
internal static partial class LockEndpoints
{
    private static readonly TimeSpan MinTtl = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxTtl = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(10);

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/locks/{name}:acquire", AcquireAsync);
        routes.MapPost("/v1/locks/{name}:renew", Renew);
        routes.MapPost("/v1/locks/{name}:release", ReleaseAsync);
    }

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<LockGrant>> AcquireAsync(string name, AcquireRequest? body, NodeLockService locks, HttpContext context)
    {
        CheckName(name);
        var ttl = Ttl(body?.TtlMs);
        var wait = TimeSpan.FromMilliseconds(body?.WaitMs ?? 0);
        if (wait < TimeSpan.Zero || wait > MaxWait)
        {
            throw ApiException.InvalidArgument($"wait_ms must be 0 to {MaxWait.TotalMilliseconds:F0}, got {body?.WaitMs}");
        }

        var held = await locks.AcquireAsync(name, ttl, wait, context.RequestAborted)
            ?? throw ApiException.Conflict($"lock '{name}' is held elsewhere and was not released within {wait.TotalMilliseconds:F0} ms");
        return TypedResults.Json(new LockGrant(held.Token, held.Handle.FencingToken, held.ExpiresAt), ApiJsonContext.Default.LockGrant);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<LockGrant> Renew(string name, TokenRequest? body, NodeLockService locks)
    {
        CheckName(name);
        var held = locks.Renew(name, Token(body), Ttl(body?.TtlMs))
            ?? throw ApiException.Conflict($"token does not hold lock '{name}' (released, expired or never granted)");
        return TypedResults.Json(new LockGrant(held.Token, held.Handle.FencingToken, held.ExpiresAt), ApiJsonContext.Default.LockGrant);
    }

    private static async Task<Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<LockReleased>> ReleaseAsync(string name, TokenRequest? body, NodeLockService locks)
    {
        CheckName(name);
        if (!await locks.ReleaseAsync(name, Token(body)))
        {
            throw ApiException.Conflict($"token does not hold lock '{name}' (released, expired or never granted)");
        }

        return TypedResults.Json(new LockReleased(true), ApiJsonContext.Default.LockReleased);
    }

    private static string Token(TokenRequest? body) =>
        body?.Token is { Length: > 0 } token ? token : throw ApiException.InvalidArgument("token is required");

    private static TimeSpan Ttl(long? ttlMs)
    {
        var ttl = TimeSpan.FromMilliseconds(ttlMs ?? 15_000);
        return ttl >= MinTtl && ttl <= MaxTtl
            ? ttl
            : throw ApiException.InvalidArgument($"ttl_ms must be {MinTtl.TotalMilliseconds:F0} to {MaxTtl.TotalMilliseconds:F0}, got {ttlMs}");
    }

    private static void CheckName(string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw ApiException.InvalidArgument($"lock name '{name}' must be 1 to 200 letters, digits, '.', '_', '/', ':' or '-'");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._/:-]{1,200}$")]
    private static partial Regex NamePattern();
}

/// <summary>Body of <c>:acquire</c>.</summary>
/// <param name="TtlMs">How long the lock lasts without renewal, 1,000 to 3,600,000 ms (default 15,000).</param>
/// <param name="WaitMs">How long to wait for the lock, 0 to 600,000 ms (default 0: fail at once).</param>
public sealed record AcquireRequest(long? TtlMs, long? WaitMs);

/// <summary>Body of <c>:renew</c> and <c>:release</c>.</summary>
/// <param name="Token">The token <c>:acquire</c> returned.</param>
/// <param name="TtlMs">For <c>:renew</c>: the new TTL from now (default 15,000 ms).</param>
public sealed record TokenRequest(string? Token, long? TtlMs);

/// <summary>A granted or renewed lock.</summary>
/// <param name="Token">Proves ownership to <c>:renew</c> and <c>:release</c>.</param>
/// <param name="FencingToken">Greater than every earlier holder's; pass it to the resource.</param>
/// <param name="ExpiresAt">When the lock goes unless renewed.</param>
public sealed record LockGrant(string Token, long FencingToken, DateTimeOffset ExpiresAt);

/// <summary>Answer of <c>:release</c>.</summary>
/// <param name="Released">Always true.</param>
public sealed record LockReleased(bool Released);
