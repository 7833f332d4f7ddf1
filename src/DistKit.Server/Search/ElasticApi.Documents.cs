using System.Text.Json;
using DistKit.Search;
using DistKit.Search.Engine;
using DistKit.Search.Wire;

namespace DistKit.Server.Search;

/// <summary>Single documents (index, create, get, exists, delete, update), <c>_mget</c> and <c>_bulk</c>.</summary>
internal static partial class ElasticApi
{
    private static readonly string[] WriteParameters = ["refresh", "if_seq_no", "if_primary_term", "op_type", "timeout", "wait_for_active_shards", "require_alias", "require_data_stream"];
    private static readonly string[] GetParameters = ["_source", "_source_includes", "_source_excludes", "realtime", "refresh", "preference"];

    private static void MapDocuments(IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/{index}/_doc/{id}", [HttpMethods.Put, HttpMethods.Post], context => IndexDocument(context, createOnly: false));
        routes.MapPost("/{index}/_doc", context => IndexDocument(context, createOnly: false));
        routes.MapMethods("/{index}/_create/{id}", [HttpMethods.Put, HttpMethods.Post], context => IndexDocument(context, createOnly: true));
        routes.MapGet("/{index}/_doc/{id}", GetDocument);
        routes.MapMethods("/{index}/_doc/{id}", [HttpMethods.Head], DocumentExists);
        routes.MapGet("/{index}/_source/{id}", GetSource);
        routes.MapMethods("/{index}/_source/{id}", [HttpMethods.Head], DocumentExists);
        routes.MapDelete("/{index}/_doc/{id}", DeleteDocument);
        routes.MapPost("/{index}/_update/{id}", UpdateDocument);
        routes.MapMethods("/_mget", [HttpMethods.Get, HttpMethods.Post], MultiGet);
        routes.MapMethods("/{index}/_mget", [HttpMethods.Get, HttpMethods.Post], MultiGet);
        routes.MapMethods("/_bulk", [HttpMethods.Put, HttpMethods.Post], Bulk);
        routes.MapMethods("/{index}/_bulk", [HttpMethods.Put, HttpMethods.Post], Bulk);
    }

    private static async Task IndexDocument(HttpContext context, bool createOnly)
    {
        var request = ElasticRequest.Of(context, WriteParameters);
        var index = request.Route("index");
        var id = request.Route("id");
        var opType = request.Parameter("op_type");
        if (opType is not (null or "index" or "create"))
        {
            throw SearchException.IllegalArgument($"opType must be 'create' or 'index', found: [{opType}]");
        }

        using var body = await request.RequiredBodyAsync();
        if (body.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new SearchException("mapper_parsing_exception", "failed to parse, document is not an object");
        }

        var refresh = request.Refresh();
        var options = new WriteOptions
        {
            Refresh = refresh,
            IfSeqNo = request.Long("if_seq_no"),
            IfPrimaryTerm = request.Long("if_primary_term"),
            CreateOnly = createOnly || opType == "create",
        };
        WriteResult result;
        if (id.Length == 0)
        {
            // POST /{index}/_doc: the engine makes the id, as a bulk index without one does.
            var items = await request.Engine.BulkAsync([new BulkIndex(index, null, body.RootElement.GetRawText()) { Options = options }], refresh, context.RequestAborted);
            result = items[0].Result ?? throw items[0].Error!;
        }
        else
        {
            result = await request.Engine.IndexAsync(index, id, body.RootElement.GetRawText(), options, context.RequestAborted);
        }

        var status = result.Result == "created" ? 201 : 200;
        if (status == 201)
        {
            context.Response.Headers.Location = $"/{Uri.EscapeDataString(index)}/_doc/{Uri.EscapeDataString(result.Id)}";
        }

        await request.RespondAsync(status, writer => ElasticJson.WriteWriteResult(writer, result, refresh == RefreshPolicy.Immediate));
    }

    private static async Task GetDocument(HttpContext context)
    {
        var request = ElasticRequest.Of(context, GetParameters);
        var index = request.Route("index");
        var id = request.Route("id");
        var document = await request.Engine.GetAsync(index, id, context.RequestAborted);
        var source = SourceOf(request);
        await request.RespondAsync(document is null ? 404 : 200, writer => ElasticJson.WriteDocument(writer, index, id, document, source));
    }

    private static async Task DocumentExists(HttpContext context)
    {
        var request = ElasticRequest.Of(context, GetParameters);
        try
        {
            var document = await request.Engine.GetAsync(request.Route("index"), request.Route("id"), context.RequestAborted);
            await request.StatusAsync(document is null ? 404 : 200);
        }
        catch (SearchException e) when (e.Status == 404)
        {
            await request.StatusAsync(404);
        }
    }

    private static async Task GetSource(HttpContext context)
    {
        var request = ElasticRequest.Of(context, GetParameters);
        var index = request.Route("index");
        var id = request.Route("id");
        var document = await request.Engine.GetAsync(index, id, context.RequestAborted)
            ?? throw new SearchException("resource_not_found_exception", $"Document not found [{index}]/[{id}]", 404);
        var source = SourceOf(request);
        await request.RespondAsync(200, writer => writer.WriteRawValue(source.Apply(document.Source), skipInputValidation: true));
    }

    private static async Task DeleteDocument(HttpContext context)
    {
        var request = ElasticRequest.Of(context, WriteParameters);
        var refresh = request.Refresh();
        var options = new WriteOptions { Refresh = refresh, IfSeqNo = request.Long("if_seq_no"), IfPrimaryTerm = request.Long("if_primary_term") };
        var result = await request.Engine.DeleteAsync(request.Route("index"), request.Route("id"), options, context.RequestAborted);
        await request.RespondAsync(result.Result == "not_found" ? 404 : 200, writer => ElasticJson.WriteWriteResult(writer, result, refresh == RefreshPolicy.Immediate));
    }

    private static async Task UpdateDocument(HttpContext context)
    {
        var request = ElasticRequest.Of(context, "refresh", "retry_on_conflict", "timeout", "wait_for_active_shards", "require_alias", "_source", "_source_includes", "_source_excludes", "if_seq_no", "if_primary_term");
        if (request.Parameter("if_seq_no") is not null || request.Parameter("if_primary_term") is not null)
        {
            throw SearchException.IllegalArgument("[if_seq_no] and [if_primary_term] on an update are not supported by this engine yet; use a get and a conditional index");
        }

        using var body = await request.RequiredBodyAsync();
        var retries = request.Long("retry_on_conflict") ?? 0;
        var update = BulkBody.ReadUpdate(body.RootElement) with { RetryOnConflict = (int)Math.Clamp(retries, 0, 100) };
        var refresh = request.Refresh();
        var result = await request.Engine.UpdateAsync(request.Route("index"), request.Route("id"), update, refresh, context.RequestAborted);
        await request.RespondAsync(result.Result == "created" ? 201 : 200, writer => ElasticJson.WriteWriteResult(writer, result, refresh == RefreshPolicy.Immediate && result.Result != "noop"));
    }

    private static async Task MultiGet(HttpContext context)
    {
        var request = ElasticRequest.Of(context, GetParameters);
        var defaultIndex = request.Route("index");
        using var body = await request.RequiredBodyAsync();
        var wanted = new List<(string Index, string Id, SourceFilter Source)>();
        var defaultSource = SourceOf(request);
        foreach (var property in body.RootElement.EnumerateObject())
        {
            if (property.Name == "ids" && property.Value.ValueKind == JsonValueKind.Array)
            {
                if (defaultIndex.Length == 0)
                {
                    throw new SearchException("action_request_validation_exception", "Validation Failed: 1: index is missing for doc 0;");
                }

                wanted.AddRange(property.Value.EnumerateArray().Select(id => (defaultIndex, IdText(id), defaultSource)));
            }
            else if (property.Name == "docs" && property.Value.ValueKind == JsonValueKind.Array)
            {
                var position = 0;
                foreach (var doc in property.Value.EnumerateArray())
                {
                    var index = doc.TryGetProperty("_index", out var i) ? i.GetString() ?? "" : defaultIndex;
                    if (index.Length == 0)
                    {
                        throw new SearchException("action_request_validation_exception", $"Validation Failed: 1: index is missing for doc {position};");
                    }

                    var id = doc.TryGetProperty("_id", out var d) ? IdText(d)
                        : throw new SearchException("action_request_validation_exception", $"Validation Failed: 1: id is missing for doc {position};");
                    var source = doc.TryGetProperty("_source", out var s) ? SourceFilter.Read(s) : defaultSource;
                    wanted.Add((index, id, source));
                    position++;
                }
            }
            else
            {
                throw SearchException.Parsing($"unknown key [{property.Name}] for a multi get, expected [docs] or [ids]");
            }
        }

        var found = new List<(string Index, string Id, SourceFilter Source, StoredDocument? Document, SearchException? Error)>();
        foreach (var (index, id, source) in wanted)
        {
            try
            {
                found.Add((index, id, source, await request.Engine.GetAsync(index, id, context.RequestAborted), null));
            }
            catch (SearchException e)
            {
                found.Add((index, id, source, null, e));
            }
        }

        await request.RespondAsync(200, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("docs");
            foreach (var (index, id, source, document, error) in found)
            {
                if (error is null)
                {
                    ElasticJson.WriteDocument(writer, index, id, document, source);
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("_index", index);
                writer.WriteString("_id", id);
                writer.WritePropertyName("error");
                ElasticJson.WriteErrorCause(writer, error, rootCause: true);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static async Task Bulk(HttpContext context)
    {
        var request = ElasticRequest.Of(context, "refresh", "timeout", "wait_for_active_shards", "require_alias", "require_data_stream", "pipeline", "_source", "_source_includes", "_source_excludes", "list_executed_pipelines");
        if (request.Parameter("pipeline") is not null)
        {
            throw SearchException.IllegalArgument("ingest pipelines are not supported by this engine");
        }

        var defaultIndex = request.Route("index");
        var bulk = BulkBody.Read(await request.BodyBytesAsync(), defaultIndex.Length == 0 ? null : defaultIndex);
        var items = await bulk.RunAsync(request.Engine, request.Refresh(), context.RequestAborted);
        await request.RespondAsync(200, writer => ElasticJson.WriteBulkResult(writer, items, request.TookMilliseconds));
    }

    private static SourceFilter SourceOf(ElasticRequest request) =>
        SourceFilter.FromParameters(request.Parameter("_source"), request.Parameter("_source_includes"), request.Parameter("_source_excludes")) ?? SourceFilter.All;

    private static string IdText(JsonElement id) =>
        id.ValueKind switch
        {
            JsonValueKind.String => id.GetString()!,
            JsonValueKind.Number => id.GetRawText(),
            _ => throw SearchException.Parsing($"an id is a string, found {id.GetRawText()}"),
        };
}
