using DistKit.Search.Engine;
using DistKit.Search.Wire;

namespace DistKit.Server.Search;

/// <summary><c>_search</c> and <c>_count</c>, on one index, a list, a wildcard or all of them.</summary>
internal static partial class ElasticApi
{
    private static readonly string[] SearchParameters =
    [
        "from", "size", "_source", "_source_includes", "_source_excludes", "track_total_hits", "rest_total_hits_as_int",
        "q", "typed_keys", "search_type", "ignore_unavailable", "allow_no_indices", "expand_wildcards", "preference",
        "request_cache", "batched_reduce_size", "ccs_minimize_roundtrips", "max_concurrent_shard_requests", "pre_filter_shard_size",
        "allow_partial_search_results",
    ];

    private static void MapSearch(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/_search", [HttpMethods.Get, HttpMethods.Post], Search);
        routes.MapMethods("/{index}/_search", [HttpMethods.Get, HttpMethods.Post], Search);
        routes.MapMethods("/_count", [HttpMethods.Get, HttpMethods.Post], Count);
        routes.MapMethods("/{index}/_count", [HttpMethods.Get, HttpMethods.Post], Count);
    }

    private static async Task Search(HttpContext context)
    {
        var request = ElasticRequest.Of(context, SearchParameters);
        using var json = await request.BodyAsync();
        var body = SearchBody.Read(json?.RootElement, request.Parameter);
        var indices = Resolve(request, request.Route("index"));
        var result = await request.Engine.SearchAsync(indices, body.Request, context.RequestAborted);
        await request.RespondAsync(200, writer => ElasticJson.WriteSearchResult(writer, body, result, request.TookMilliseconds));
    }

    private static async Task Count(HttpContext context)
    {
        var request = ElasticRequest.Of(context, "ignore_unavailable", "allow_no_indices", "expand_wildcards", "preference", "min_score", "terminate_after", "q");
        if (request.Parameter("q") is not null || request.Parameter("min_score") is not null || request.Parameter("terminate_after") is not null)
        {
            throw DistKit.Search.SearchException.IllegalArgument("[q], [min_score] and [terminate_after] are not supported on _count by this engine yet");
        }

        using var json = await request.BodyAsync();
        var query = SearchBody.ReadCount(json?.RootElement);
        var indices = Resolve(request, request.Route("index"));
        var result = await request.Engine.SearchAsync(indices, new SearchRequest(query) { Size = 0 }, context.RequestAborted);
        await request.RespondAsync(200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("count", result.Total);
            ElasticJson.WriteShards(writer, result.Shards, skipped: true);
            writer.WriteEndObject();
        });
    }
}
