using DistKit.Configuration;
using DistKit.Configuration.Access;
using DistKit.Configuration.Http;
using DistKit.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DistKit.Server.Configuration;

internal static partial class ConfigEndpoints
{
    private static async Task<JsonHttpResult<ReleaseView>> StartGrayAsync(GrayBody? body, IConfigCenter center, HttpContext context)
    {
        if (body is null)
        {
            throw ApiException.InvalidArgument("the body must be a JSON object: {\"ns\", \"changes\", \"labels\" and/or \"percent\"}");
        }

        var space = Namespace(body.Ns);
        NodeAccess.Require(context, space, ConfigScope.Write | ConfigScope.Publish);
        if (body.Changes is not { Count: > 0 } changes)
        {
            throw ApiException.InvalidArgument("give the gray values: changes: [{\"key\", \"type\", \"value\"}]");
        }

        // A gray writes no key: an if_match given with it has nothing to compare and is not passed on.
        var list = ChangesOf(changes).Select(c => c with { ExpectedVersion = null }).ToList();

        var target = new GrayTarget(body.Labels ?? new Dictionary<string, string>(), body.Percent);
        var release = await center.StartGrayAsync(space, list, target, Author(body.Author, context), body.Message, context.RequestAborted);
        return TypedResults.Json(ConfigViews.Of(release), ConfigJsonContext.Default.ReleaseView, statusCode: StatusCodes.Status201Created);
    }

    private static async Task<JsonHttpResult<ReleaseView>> PromoteGrayAsync(GrayEndBody? body, IConfigCenter center, HttpContext context)
    {
        var space = Namespace(body?.Ns);
        NodeAccess.Require(context, space, ConfigScope.Publish);
        var release = await center.PromoteGrayAsync(space, Author(body?.Author, context), body?.Message, context.RequestAborted);
        return TypedResults.Json(ConfigViews.Of(release), ConfigJsonContext.Default.ReleaseView);
    }

    private static async Task<JsonHttpResult<ReleaseView>> AbandonGrayAsync(GrayEndBody? body, IConfigCenter center, HttpContext context)
    {
        var space = Namespace(body?.Ns);
        NodeAccess.Require(context, space, ConfigScope.Publish);
        var release = await center.AbandonGrayAsync(space, Author(body?.Author, context), body?.Message, context.RequestAborted);
        return TypedResults.Json(ConfigViews.Of(release), ConfigJsonContext.Default.ReleaseView);
    }

    private static async Task<JsonHttpResult<GrayStatus>> GrayAsync(string? ns, string? revision, IConfigCenter center, HttpContext context)
    {
        var space = Readable(context, ns);
        var gray = await center.GrayAsync(space, context.RequestAborted);
        // The audience of the gray in progress, or of an earlier one named by its revision.
        var of = revision is null ? gray?.Revision : Number(revision, "revision");
        var seen = of is { } at ? center.GraySeen(space, at) : [];
        return TypedResults.Json(
            new GrayStatus(space, gray is null ? null : ConfigViews.Of(gray), [.. seen.Select(s => new GraySeenView(s.Who.Client, s.Who.Host, s.Who.Labels, s.At))]),
            ConfigJsonContext.Default.GrayStatus);
    }
}
