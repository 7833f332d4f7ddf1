using DistKit.Search.Engine;

namespace DistKit.Server.Search;

/// <summary>
/// The Elasticsearch REST API the node speaks: the paths, methods, parameters and response shapes
/// of Elasticsearch 9, for what this engine does (docs/search.md has the table). Each handler takes
/// the request whole and answers through <see cref="ElasticRequest"/>.
/// </summary>
internal static partial class ElasticApi
{
    /// <summary>The Elasticsearch version the API behaves as.</summary>
    public const string CompatibleVersion = "9.0.0";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", Banner);
        routes.MapMethods("/", [HttpMethods.Head], context => ElasticRequest.Of(context).StatusAsync(200));
        routes.MapGet("/_cluster/health", ClusterHealth);
        routes.MapGet("/_cluster/health/{index}", ClusterHealth);
        routes.MapGet("/_cat/indices", CatIndices);
        routes.MapGet("/_cat/indices/{index}", CatIndices);

        MapIndices(routes);
        MapDocuments(routes);
        MapSearch(routes);

        routes.MapFallback(context => ElasticRequest.WritePlainErrorAsync(context, 400,
            $"no handler found for uri [{context.Request.Path}{context.Request.QueryString}] and method [{context.Request.Method}]"));
    }

    private static Task Banner(HttpContext context)
    {
        var request = ElasticRequest.Of(context);
        return request.RespondAsync(200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("name", Environment.MachineName);
            writer.WriteString("cluster_name", "distkit");
            writer.WriteString("cluster_uuid", "_na_");
            writer.WriteStartObject("version");
            writer.WriteString("number", CompatibleVersion);
            writer.WriteString("build_flavor", "default");
            writer.WriteString("build_type", "distkit");
            writer.WriteString("build_hash", "distkit-" + NodeVersion.Current);
            writer.WriteBoolean("build_snapshot", false);
            writer.WriteString("lucene_version", "4.8.0");
            writer.WriteString("minimum_wire_compatibility_version", "8.18.0");
            writer.WriteString("minimum_index_compatibility_version", "8.0.0");
            writer.WriteEndObject();
            writer.WriteString("tagline", "You Know, for Search");
            writer.WriteEndObject();
        });
    }

    private static async Task ClusterHealth(HttpContext context)
    {
        var request = ElasticRequest.Of(context, "wait_for_status", "timeout", "master_timeout", "level", "local", "wait_for_active_shards", "wait_for_no_relocating_shards", "wait_for_no_initializing_shards", "wait_for_nodes", "wait_for_events", "expand_wildcards");
        var indices = IndexExpression.Resolve(request.Route("index"), request.Engine.Indices);
        var shards = indices.Sum(i => request.Engine.GetIndex(i)?.Shards ?? 0);

        // One node holding every shard of every index, no replicas to place: always green.
        await request.RespondAsync(200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("cluster_name", "distkit");
            writer.WriteString("status", "green");
            writer.WriteBoolean("timed_out", false);
            writer.WriteNumber("number_of_nodes", 1);
            writer.WriteNumber("number_of_data_nodes", 1);
            writer.WriteNumber("active_primary_shards", shards);
            writer.WriteNumber("active_shards", shards);
            writer.WriteNumber("relocating_shards", 0);
            writer.WriteNumber("initializing_shards", 0);
            writer.WriteNumber("unassigned_shards", 0);
            writer.WriteNumber("unassigned_primary_shards", 0);
            writer.WriteNumber("delayed_unassigned_shards", 0);
            writer.WriteNumber("number_of_pending_tasks", 0);
            writer.WriteNumber("number_of_in_flight_fetch", 0);
            writer.WriteNumber("task_max_waiting_in_queue_millis", 0);
            writer.WriteNumber("active_shards_percent_as_number", 100.0);
            writer.WriteEndObject();
        });
    }

    private static async Task CatIndices(HttpContext context)
    {
        var request = ElasticRequest.Of(context, "format", "v", "h", "s", "bytes", "health", "pri", "expand_wildcards", "help");
        var indices = IndexExpression.Resolve(request.Route("index"), request.Engine.Indices);
        var rows = new List<Dictionary<string, string>>();
        foreach (var index in indices)
        {
            var definition = request.Engine.GetIndex(index);
            if (definition is null)
            {
                continue; // deleted meanwhile
            }

            var count = await request.Engine.SearchAsync(index, new SearchRequest(new DistKit.Search.Dsl.MatchAllQuery()) { Size = 0 }, context.RequestAborted);
            rows.Add(new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["health"] = "green",
                ["status"] = "open",
                ["index"] = index,
                ["pri"] = definition.Shards.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["rep"] = "0",
                ["docs.count"] = count.Total.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        }

        string[] columns = request.Parameter("h") is { } h
            ? h.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : ["health", "status", "index", "pri", "rep", "docs.count"];
        foreach (var column in columns)
        {
            if (!CatColumns.Contains(column, StringComparer.Ordinal))
            {
                throw DistKit.Search.SearchException.IllegalArgument($"header [{column}] is not known; this engine shows [{string.Join(", ", CatColumns)}]");
            }
        }

        if (request.Parameter("s") is { } sort)
        {
            var key = sort.Split(':')[0];
            rows = sort.EndsWith(":desc", StringComparison.Ordinal)
                ? [.. rows.OrderByDescending(r => r.GetValueOrDefault(key), StringComparer.Ordinal)]
                : [.. rows.OrderBy(r => r.GetValueOrDefault(key), StringComparer.Ordinal)];
        }

        if (request.Parameter("format") == "json")
        {
            await request.RespondAsync(200, writer =>
            {
                writer.WriteStartArray();
                foreach (var row in rows)
                {
                    writer.WriteStartObject();
                    foreach (var column in columns)
                    {
                        writer.WriteString(column, row[column]);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            });
            return;
        }

        var table = new List<string[]>();
        if (request.Flag("v"))
        {
            table.Add(columns);
        }

        table.AddRange(rows.Select(r => columns.Select(c => r[c]).ToArray()));
        var widths = columns.Select((_, i) => table.Count == 0 ? 0 : table.Max(row => row[i].Length)).ToArray();
        var text = string.Concat(table.Select(row => string.Join(' ', row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd() + "\n"));
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain; charset=UTF-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }

    private static readonly string[] CatColumns = ["health", "status", "index", "pri", "rep", "docs.count"];
}
