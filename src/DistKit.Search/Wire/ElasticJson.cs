using System.Text.Json;
using DistKit.Search.Engine;

namespace DistKit.Search.Wire;

/// <summary>Request bodies read, and responses written, in Elasticsearch's JSON shapes.</summary>
public static class ElasticJson
{
    /// <summary>Parses a request body; an empty body is null.</summary>
    /// <exception cref="SearchException"><c>x_content_parse_exception</c> (400) with the line and column of malformed JSON.</exception>
    public static JsonDocument? ParseBody(ReadOnlyMemory<byte> body)
    {
        if (body.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            throw new SearchException("x_content_parse_exception",
                $"[{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}] failed to parse the request body: {FirstSentence(e.Message)}", 400, e);
        }
    }

    /// <summary>Writes <c>{"error": {root_cause, type, reason}, "status"}</c>.</summary>
    public static void WriteError(Utf8JsonWriter writer, SearchException error)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(error);
        writer.WriteStartObject();
        writer.WritePropertyName("error");
        WriteErrorCause(writer, error, rootCause: true);
        writer.WriteNumber("status", error.Status);
        writer.WriteEndObject();
    }

    /// <summary>Writes the body of an error (<c>{type, reason}</c>, with <c>root_cause</c> when asked), as a bulk item's error or a response's.</summary>
    public static void WriteErrorCause(Utf8JsonWriter writer, SearchException error, bool rootCause = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(error);
        writer.WriteStartObject();
        if (rootCause)
        {
            writer.WriteStartArray("root_cause");
            writer.WriteStartObject();
            writer.WriteString("type", error.Type);
            writer.WriteString("reason", error.Message);
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        writer.WriteString("type", error.Type);
        writer.WriteString("reason", error.Message);
        writer.WriteEndObject();
    }

    /// <summary>Writes a write's answer: <c>{_index, _id, _version, result, _shards, _seq_no, _primary_term}</c>.</summary>
    public static void WriteWriteResult(Utf8JsonWriter writer, WriteResult result, bool forcedRefresh = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(result);
        writer.WriteStartObject();
        WriteWriteFields(writer, result);
        if (forcedRefresh)
        {
            writer.WriteBoolean("forced_refresh", true);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a document as <c>GET /{index}/_doc/{id}</c> answers, found or not.</summary>
    public static void WriteDocument(Utf8JsonWriter writer, string index, string id, StoredDocument? document, SourceFilter source)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(source);
        writer.WriteStartObject();
        writer.WriteString("_index", index);
        writer.WriteString("_id", id);
        if (document is not null)
        {
            writer.WriteNumber("_version", document.Version);
            writer.WriteNumber("_seq_no", document.SeqNo);
            writer.WriteNumber("_primary_term", document.PrimaryTerm);
            writer.WriteBoolean("found", true);
            source.Write(writer, "_source", document.Source);
        }
        else
        {
            writer.WriteBoolean("found", false);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a search's answer: <c>{took, timed_out, _shards, hits: {total, max_score, hits}}</c>.</summary>
    public static void WriteSearchResult(Utf8JsonWriter writer, SearchBody body, SearchResult result, long tookMilliseconds, string? scrollId = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(result);
        writer.WriteStartObject();
        if (scrollId is not null)
        {
            writer.WriteString("_scroll_id", scrollId);
        }

        writer.WriteNumber("took", tookMilliseconds);
        writer.WriteBoolean("timed_out", false);
        WriteShards(writer, result.Shards, skipped: true);
        writer.WriteStartObject("hits");
        if (body.TrackTotalHits >= 0)
        {
            var exact = result.Total <= body.TrackTotalHits;
            if (body.TotalAsInt)
            {
                writer.WriteNumber("total", result.Total);
            }
            else
            {
                writer.WriteStartObject("total");
                writer.WriteNumber("value", exact ? result.Total : body.TrackTotalHits);
                writer.WriteString("relation", exact ? "eq" : "gte");
                writer.WriteEndObject();
            }
        }

        if (result.MaxScore is { } max)
        {
            writer.WriteNumber("max_score", (float)max);
        }
        else
        {
            writer.WriteNull("max_score");
        }

        writer.WriteStartArray("hits");
        foreach (var hit in result.Hits)
        {
            writer.WriteStartObject();
            writer.WriteString("_index", hit.Index);
            writer.WriteString("_id", hit.Id);
            writer.WriteNumber("_score", (float)hit.Score);
            body.Source.Write(writer, "_source", hit.Source);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>_bulk</c>'s answer: <c>{took, errors, items: [{action: {…, status}}]}</c>.</summary>
    public static void WriteBulkResult(Utf8JsonWriter writer, IReadOnlyList<BulkItemResult> items, long tookMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(items);
        writer.WriteStartObject();
        writer.WriteNumber("took", tookMilliseconds);
        writer.WriteBoolean("errors", items.Any(i => i.Error is not null));
        writer.WriteStartArray("items");
        foreach (var item in items)
        {
            writer.WriteStartObject();
            writer.WriteStartObject(item.Action);
            if (item.Result is { } result)
            {
                WriteWriteFields(writer, result);
            }
            else
            {
                writer.WriteString("_index", item.Index);
                writer.WriteString("_id", item.Id);
            }

            writer.WriteNumber("status", item.Status);
            if (item.Error is { } error)
            {
                writer.WritePropertyName("error");
                WriteErrorCause(writer, error);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>"_shards": {total, successful, [skipped,] failed}</c>.</summary>
    public static void WriteShards(Utf8JsonWriter writer, int total, bool skipped = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject("_shards");
        writer.WriteNumber("total", total);
        writer.WriteNumber("successful", total);
        if (skipped)
        {
            writer.WriteNumber("skipped", 0);
        }

        writer.WriteNumber("failed", 0);
        writer.WriteEndObject();
    }

    private static void WriteWriteFields(Utf8JsonWriter writer, WriteResult result)
    {
        writer.WriteString("_index", result.Index);
        writer.WriteString("_id", result.Id);
        writer.WriteNumber("_version", result.Version);
        writer.WriteString("result", result.Result);
        WriteShards(writer, result.Result == "noop" ? 0 : 1);
        writer.WriteNumber("_seq_no", result.SeqNo);
        writer.WriteNumber("_primary_term", result.PrimaryTerm);
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }
}
