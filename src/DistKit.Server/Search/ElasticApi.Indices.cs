using DistKit.Search;
using DistKit.Search.Engine;
using DistKit.Search.Wire;

namespace DistKit.Server.Search;

/// <summary>Index management: create, delete, exists, get, mappings, settings, refresh, flush.</summary>
internal static partial class ElasticApi
{
    private static readonly string[] IndexOptions = ["ignore_unavailable", "allow_no_indices", "expand_wildcards"];

    private static void MapIndices(IEndpointRouteBuilder routes)
    {
        routes.MapPut("/{index}", CreateIndex);
        routes.MapDelete("/{index}", DeleteIndex);
        routes.MapMethods("/{index}", [HttpMethods.Head], IndexExists);
        routes.MapGet("/{index}", GetIndex);
        routes.MapGet("/_mapping", GetMapping);
        routes.MapGet("/{index}/_mapping", GetMapping);
        routes.MapMethods("/{index}/_mapping", [HttpMethods.Put, HttpMethods.Post], PutMapping);
        routes.MapGet("/_settings", GetSettings);
        routes.MapGet("/{index}/_settings", GetSettings);
        routes.MapMethods("/_refresh", [HttpMethods.Get, HttpMethods.Post], Refresh);
        routes.MapMethods("/{index}/_refresh", [HttpMethods.Get, HttpMethods.Post], Refresh);
        routes.MapMethods("/_flush", [HttpMethods.Get, HttpMethods.Post], Flush);
        routes.MapMethods("/{index}/_flush", [HttpMethods.Get, HttpMethods.Post], Flush);
    }

    private static async Task CreateIndex(HttpContext context)
    {
        var request = ElasticRequest.Of(context, "wait_for_active_shards", "timeout", "master_timeout");
        var index = request.Route("index");
        using var body = await request.BodyAsync();
        var definition = body is null ? new IndexDefinition() : IndexDefinitionJson.Read(body.RootElement);
        await request.Engine.CreateIndexAsync(index, definition, context.RequestAborted);
        await request.RespondAsync(200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteBoolean("acknowledged", true);
            writer.WriteBoolean("shards_acknowledged", true);
            writer.WriteString("index", index);
            writer.WriteEndObject();
        });
    }

    private static async Task DeleteIndex(HttpContext context)
    {
        var request = ElasticRequest.Of(context, [.. IndexOptions, "timeout", "master_timeout"]);
        var expression = request.Route("index");
        var parts = expression.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts.Any(p => p == "_all" || p.Contains('*', StringComparison.Ordinal)))
        {
            // Elasticsearch refuses deleting everything by wildcard unless told (action.destructive_requires_name).
            throw SearchException.IllegalArgument("Wildcard expressions or all indices are not allowed");
        }

        foreach (var index in Resolve(request, expression))
        {
            await request.Engine.DeleteIndexAsync(index, context.RequestAborted);
        }

        await request.RespondAsync(200, Acknowledged);
    }

    private static Task IndexExists(HttpContext context)
    {
        var request = ElasticRequest.Of(context, [.. IndexOptions, "local", "flat_settings", "include_defaults"]);
        try
        {
            var found = Resolve(request, request.Route("index"));
            return request.StatusAsync(found.Count > 0 ? 200 : 404);
        }
        catch (SearchException e) when (e.Status == 404)
        {
            return request.StatusAsync(404);
        }
    }

    private static async Task GetIndex(HttpContext context)
    {
        var request = ElasticRequest.Of(context, [.. IndexOptions, "local", "flat_settings", "include_defaults", "features", "master_timeout"]);
        var indices = Definitions(request);
        await request.RespondAsync(200, writer =>
        {
            writer.WriteStartObject();
            foreach (var (index, definition) in indices)
            {
                writer.WriteStartObject(index);
                writer.WriteStartObject("aliases");
                writer.WriteEndObject();
                writer.WritePropertyName("mappings");
                IndexDefinitionJson.WriteMappings(writer, definition.Mappings);
                writer.WritePropertyName("settings");
                IndexDefinitionJson.WriteSettings(writer, index, definition);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        });
    }

    private static async Task GetMapping(HttpContext context)
    {
        var request = ElasticRequest.Of(context, [.. IndexOptions, "local", "master_timeout"]);
        var indices = Definitions(request);
        await request.RespondAsync(200, writer =>
        {
            writer.WriteStartObject();
            foreach (var (index, definition) in indices)
            {
                writer.WriteStartObject(index);
                writer.WritePropertyName("mappings");
                IndexDefinitionJson.WriteMappings(writer, definition.Mappings);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        });
    }

    private static async Task PutMapping(HttpContext context)
    {
        var request = ElasticRequest.Of(context, [.. IndexOptions, "timeout", "master_timeout", "write_index_only"]);
        using var body = await request.RequiredBodyAsync();
        var mappings = IndexDefinitionJson.ReadMappings(body.RootElement);
        foreach (var index in Resolve(request, request.Route("index")))
        {
            await request.Engine.PutMappingsAsync(index, mappings, context.RequestAborted);
        }

        await request.RespondAsync(200, Acknowledged);
    }

    private static async Task GetSettings(HttpContext context)
    {
        var request = ElasticRequest.Of(context, [.. IndexOptions, "local", "flat_settings", "include_defaults", "master_timeout"]);
        var indices = Definitions(request);
        await request.RespondAsync(200, writer =>
        {
            writer.WriteStartObject();
            foreach (var (index, definition) in indices)
            {
                writer.WriteStartObject(index);
                writer.WritePropertyName("settings");
                IndexDefinitionJson.WriteSettings(writer, index, definition);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        });
    }

    private static async Task Refresh(HttpContext context)
    {
        var request = ElasticRequest.Of(context, IndexOptions);
        var shards = 0;
        foreach (var index in Resolve(request, request.Route("index")))
        {
            await request.Engine.RefreshAsync(index, context.RequestAborted);
            shards += request.Engine.GetIndex(index)?.Shards ?? 0;
        }

        await request.RespondAsync(200, writer => ShardsOnly(writer, shards));
    }

    private static async Task Flush(HttpContext context)
    {
        var request = ElasticRequest.Of(context, [.. IndexOptions, "force", "wait_if_ongoing"]);
        var shards = 0;
        foreach (var index in Resolve(request, request.Route("index")))
        {
            await request.Engine.FlushAsync(index, context.RequestAborted);
            shards += request.Engine.GetIndex(index)?.Shards ?? 0;
        }

        await request.RespondAsync(200, writer => ShardsOnly(writer, shards));
    }

    private static IReadOnlyList<string> Resolve(ElasticRequest request, string expression) =>
        IndexExpression.Resolve(expression, request.Engine.Indices, request.Flag("ignore_unavailable"), request.Flag("allow_no_indices", fallback: true));

    private static List<(string Index, IndexDefinition Definition)> Definitions(ElasticRequest request) =>
        [.. Resolve(request, request.Route("index"))
            .Select(index => (index, request.Engine.GetIndex(index)))
            .Where(pair => pair.Item2 is not null)
            .Select(pair => (pair.index, pair.Item2!))];

    private static void Acknowledged(System.Text.Json.Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteBoolean("acknowledged", true);
        writer.WriteEndObject();
    }

    private static void ShardsOnly(System.Text.Json.Utf8JsonWriter writer, int shards)
    {
        writer.WriteStartObject();
        ElasticJson.WriteShards(writer, shards);
        writer.WriteEndObject();
    }
}
