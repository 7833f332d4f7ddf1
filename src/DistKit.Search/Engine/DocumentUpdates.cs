using System.Text;
using System.Text.Json;

namespace DistKit.Search.Engine;

/// <summary>A partial update (<c>POST /{index}/_update/{id}</c>).</summary>
public sealed record UpdateRequest
{
    /// <summary>The fields to change, a JSON object merged into the document (objects merge, other values replace).</summary>
    public string? Doc { get; init; }

    /// <summary>The document to write when there is none yet.</summary>
    public string? Upsert { get; init; }

    /// <summary>Write <see cref="Doc"/> itself when there is no document yet.</summary>
    public bool DocAsUpsert { get; init; }

    /// <summary>Answer <c>noop</c>, writing nothing, when the merge changes nothing. Default true.</summary>
    public bool DetectNoop { get; init; } = true;

    /// <summary>How many times to read, merge and write again when another write got in between. Default 0.</summary>
    public int RetryOnConflict { get; init; }
}

/// <summary>
/// Updates as Elasticsearch does them: read the document, merge, and write it back on the condition
/// that nobody wrote it in between (its sequence number), so a concurrent update is a 409 (or a
/// retry), never a lost write. Works over any <see cref="ISearchEngine"/>.
/// </summary>
public static class DocumentUpdates
{
    /// <summary>Applies <paramref name="update"/> to document <paramref name="id"/>; a result of <c>noop</c> when nothing changed.</summary>
    /// <exception cref="SearchException"><c>document_missing_exception</c> (404) with no document and no upsert; 409 after <see cref="UpdateRequest.RetryOnConflict"/> conflicts.</exception>
    public static async Task<WriteResult> UpdateAsync(this ISearchEngine engine, string index, string id, UpdateRequest update, RefreshPolicy refresh = RefreshPolicy.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(update);
        if (update.Doc is null && update.Upsert is null)
        {
            throw new SearchException("action_request_validation_exception", "Validation Failed: 1: script or doc is missing;");
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TryOnceAsync(engine, index, id, update, refresh, cancellationToken);
            }
            catch (SearchException e) when (e.Status == 409 && attempt < update.RetryOnConflict)
            {
                // Another write got in between: read it and merge again.
            }
        }
    }

    private static async Task<WriteResult> TryOnceAsync(ISearchEngine engine, string index, string id, UpdateRequest update, RefreshPolicy refresh, CancellationToken cancellationToken)
    {
        var existing = engine.IndexExists(index) ? await engine.GetAsync(index, id, cancellationToken) : null;
        if (existing is null)
        {
            var fresh = update.DocAsUpsert ? update.Doc : update.Upsert;
            if (fresh is null)
            {
                throw new SearchException("document_missing_exception", $"[{id}]: document missing", 404);
            }

            return await engine.IndexAsync(index, id, fresh, new WriteOptions { CreateOnly = true, Refresh = refresh }, cancellationToken);
        }

        if (update.Doc is null)
        {
            // Only an upsert, and the document exists: Elasticsearch leaves it as it is.
            return new WriteResult(index, id, existing.Version, existing.SeqNo, existing.PrimaryTerm, "noop", -1);
        }

        var (merged, changed) = Merge(existing.Source, update.Doc);
        if (!changed && update.DetectNoop)
        {
            return new WriteResult(index, id, existing.Version, existing.SeqNo, existing.PrimaryTerm, "noop", -1);
        }

        return await engine.IndexAsync(index, id, merged,
            new WriteOptions { IfSeqNo = existing.SeqNo, IfPrimaryTerm = existing.PrimaryTerm, Refresh = refresh }, cancellationToken);
    }

    /// <summary>Merges <paramref name="doc"/> into <paramref name="source"/>: objects field by field, every other value replaced.</summary>
    /// <exception cref="SearchException"><c>mapper_parsing_exception</c> when either is not a JSON object.</exception>
    public static (string Merged, bool Changed) Merge(string source, string doc)
    {
        using var target = ParseObject(source, "the document");
        using var patch = ParseObject(doc, "[doc]");
        using var buffer = new MemoryStream();
        bool changed;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            changed = MergeObject(writer, target.RootElement, patch.RootElement);
        }

        return (Encoding.UTF8.GetString(buffer.ToArray()), changed);
    }

    private static bool MergeObject(Utf8JsonWriter writer, JsonElement target, JsonElement patch)
    {
        var changed = false;
        writer.WriteStartObject();
        foreach (var property in target.EnumerateObject())
        {
            writer.WritePropertyName(property.Name);
            if (!patch.TryGetProperty(property.Name, out var replacement))
            {
                property.Value.WriteTo(writer);
            }
            else if (property.Value.ValueKind == JsonValueKind.Object && replacement.ValueKind == JsonValueKind.Object)
            {
                changed |= MergeObject(writer, property.Value, replacement);
            }
            else
            {
                replacement.WriteTo(writer);
                changed |= !JsonElement.DeepEquals(property.Value, replacement);
            }
        }

        foreach (var property in patch.EnumerateObject())
        {
            if (!target.TryGetProperty(property.Name, out _))
            {
                property.WriteTo(writer);
                changed = true;
            }
        }

        writer.WriteEndObject();
        return changed;
    }

    private static JsonDocument ParseObject(string json, string what)
    {
        try
        {
            var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException e)
        {
            throw new SearchException("mapper_parsing_exception", $"failed to parse {what}: {e.Message}", 400, e);
        }

        throw new SearchException("mapper_parsing_exception", $"{what} is not a JSON object");
    }
}
