using System.Text;
using System.Text.Json;
using DistKit.Search.Engine;

namespace DistKit.Search.Wire;

/// <summary>
/// A <c>_bulk</c> request body: newline-delimited JSON, an action line (<c>index</c>, <c>create</c>,
/// <c>delete</c>, <c>update</c>) each followed, except for delete, by its document line. Read whole
/// before anything runs, so a malformed body changes nothing.
/// </summary>
public sealed class BulkBody
{
    private static readonly string[] MetadataKeys = ["_index", "_id", "if_seq_no", "if_primary_term", "retry_on_conflict"];

    private BulkBody(IReadOnlyList<BulkAction> actions) => Actions = actions;

    /// <summary>The actions, in order.</summary>
    public IReadOnlyList<BulkAction> Actions { get; }

    /// <summary>Reads <paramref name="body"/>; <paramref name="defaultIndex"/> is the index of <c>/{index}/_bulk</c>.</summary>
    /// <exception cref="SearchException"><c>illegal_argument_exception</c> or <c>action_request_validation_exception</c> (400) naming the line.</exception>
    public static BulkBody Read(ReadOnlyMemory<byte> body, string? defaultIndex)
    {
        var lines = new List<(ReadOnlyMemory<byte> Text, int Number)>();
        var rest = body;
        var number = 0;
        while (!rest.IsEmpty)
        {
            number++;
            var end = rest.Span.IndexOf((byte)'\n');
            if (end < 0)
            {
                throw SearchException.IllegalArgument("The bulk request must be terminated by a newline [\\n]");
            }

            var line = rest[..end];
            rest = rest[(end + 1)..];
            if (!line.Span.Trim(" \t\r"u8).IsEmpty)
            {
                lines.Add((line, number));
            }
        }

        if (lines.Count == 0)
        {
            throw new SearchException("action_request_validation_exception", "Validation Failed: 1: no requests added;");
        }

        var actions = new List<BulkAction>();
        for (var i = 0; i < lines.Count; i++)
        {
            var (text, line) = lines[i];
            using var action = Parse(text, line, "action/metadata");
            var root = action.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Count() != 1)
            {
                throw SearchException.IllegalArgument($"Malformed action/metadata line [{line}], expected an object with one action");
            }

            var property = root.EnumerateObject().First();
            var kind = property.Name;
            if (kind is not ("index" or "create" or "delete" or "update"))
            {
                throw SearchException.IllegalArgument($"Malformed action/metadata line [{line}], expected one of [create, delete, index, update] but found [{kind}]");
            }

            var meta = Metadata(property.Value, line);
            var index = meta.Index ?? defaultIndex
                ?? throw new SearchException("action_request_validation_exception", "Validation Failed: 1: index is missing;");
            if (kind != "index" && meta.Id is null)
            {
                throw new SearchException("action_request_validation_exception", $"Validation Failed: 1: an id is required for a {kind} operation;");
            }

            var options = new WriteOptions { IfSeqNo = meta.IfSeqNo, IfPrimaryTerm = meta.IfPrimaryTerm, CreateOnly = kind == "create" };
            if (kind == "delete")
            {
                actions.Add(new BulkAction(new BulkDelete(index, meta.Id!) { Options = options }, null));
                continue;
            }

            if (++i >= lines.Count)
            {
                throw SearchException.IllegalArgument($"The {kind} action on line [{line}] has no document line after it");
            }

            var (sourceText, sourceLine) = lines[i];
            using var source = Parse(sourceText, sourceLine, "document");
            if (source.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw SearchException.IllegalArgument($"The document on line [{sourceLine}] is not a JSON object");
            }

            if (kind == "update" && (meta.IfSeqNo is not null || meta.IfPrimaryTerm is not null))
            {
                // As on POST /_update: a condition the update would not honour is refused, never dropped.
                throw SearchException.IllegalArgument($"[if_seq_no] and [if_primary_term] on an update (line [{line}]) are not supported by this engine yet");
            }

            if (kind == "update")
            {
                actions.Add(new BulkAction(null, new BulkUpdate(index, meta.Id!, ReadUpdate(source.RootElement, sourceLine, meta.RetryOnConflict))));
            }
            else
            {
                actions.Add(new BulkAction(new BulkIndex(index, meta.Id, Encoding.UTF8.GetString(sourceText.Span)) { Options = options }, null));
            }
        }

        return new BulkBody(actions);
    }

    /// <summary>
    /// Runs the actions in order: runs of index/create/delete as one engine bulk (one log sync per
    /// shard), each update on its own between them, so a document's actions apply in the order sent.
    /// </summary>
    public async Task<IReadOnlyList<BulkItemResult>> RunAsync(ISearchEngine engine, RefreshPolicy refresh, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var results = new List<BulkItemResult>(Actions.Count);
        var run = new List<BulkOperation>();
        foreach (var action in Actions)
        {
            if (action.Write is { } write)
            {
                run.Add(write);
                continue;
            }

            if (run.Count > 0)
            {
                results.AddRange(await engine.BulkAsync(run, refresh, cancellationToken));
                run.Clear();
            }

            var update = action.Update!;
            try
            {
                var result = await engine.UpdateAsync(update.Index, update.Id, update.Request, refresh, cancellationToken);
                results.Add(new BulkItemResult("update", update.Index, update.Id, result.Result == "created" ? 201 : 200, result, null));
            }
            catch (SearchException e)
            {
                results.Add(new BulkItemResult("update", update.Index, update.Id, e.Status, null, e));
            }
        }

        if (run.Count > 0)
        {
            results.AddRange(await engine.BulkAsync(run, refresh, cancellationToken));
        }

        return results;
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> text, int line, string what)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new SearchException("x_content_parse_exception", $"[{line}:{(e.BytePositionInLine ?? 0) + 1}] Malformed {what} line [{line}]: not valid JSON", 400, e);
        }
    }

    private static (string? Index, string? Id, long? IfSeqNo, long? IfPrimaryTerm, int RetryOnConflict) Metadata(JsonElement meta, int line)
    {
        if (meta.ValueKind != JsonValueKind.Object)
        {
            throw SearchException.IllegalArgument($"Malformed action/metadata line [{line}], expected START_OBJECT");
        }

        string? index = null, id = null;
        long? ifSeqNo = null, ifPrimaryTerm = null;
        var retry = 0;
        foreach (var property in meta.EnumerateObject())
        {
            if (!MetadataKeys.Contains(property.Name))
            {
                throw SearchException.IllegalArgument($"Action/metadata line [{line}] contains an unknown parameter [{property.Name}]");
            }

            try
            {
                switch (property.Name)
                {
                    case "_index":
                        index = property.Value.GetString();
                        break;
                    case "_id":
                        id = property.Value.ValueKind == JsonValueKind.Number ? property.Value.GetRawText() : property.Value.GetString();
                        break;
                    case "if_seq_no":
                        ifSeqNo = property.Value.GetInt64();
                        break;
                    case "if_primary_term":
                        ifPrimaryTerm = property.Value.GetInt64();
                        break;
                    default:
                        retry = Math.Clamp(property.Value.GetInt32(), 0, 100);
                        break;
                }
            }
            catch (InvalidOperationException e)
            {
                throw SearchException.IllegalArgument($"Action/metadata line [{line}]: [{property.Name}] has the wrong type ({e.Message})");
            }
            catch (FormatException e)
            {
                throw SearchException.IllegalArgument($"Action/metadata line [{line}]: [{property.Name}] has the wrong type ({e.Message})");
            }
        }

        return (index, id, ifSeqNo, ifPrimaryTerm, retry);
    }

    /// <summary>Reads an update body: <c>doc</c>, <c>upsert</c>, <c>doc_as_upsert</c>, <c>detect_noop</c>.</summary>
    public static UpdateRequest ReadUpdate(JsonElement body, int line = 0, int retryOnConflict = 0)
    {
        var where = line > 0 ? $" (line [{line}])" : "";
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw SearchException.Parsing($"an update body is an object{where}");
        }

        var update = new UpdateRequest { RetryOnConflict = retryOnConflict };
        foreach (var property in body.EnumerateObject())
        {
            update = property.Name switch
            {
                "doc" when property.Value.ValueKind == JsonValueKind.Object => update with { Doc = property.Value.GetRawText() },
                "upsert" when property.Value.ValueKind == JsonValueKind.Object => update with { Upsert = property.Value.GetRawText() },
                "doc_as_upsert" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False => update with { DocAsUpsert = property.Value.GetBoolean() },
                "detect_noop" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False => update with { DetectNoop = property.Value.GetBoolean() },
                "doc" or "upsert" or "doc_as_upsert" or "detect_noop" => throw SearchException.Parsing($"[update] [{property.Name}] has the wrong type{where}"),
                "script" => throw SearchException.IllegalArgument($"scripted updates are not supported by this engine; send [doc]{where}"),
                _ => throw SearchException.Parsing($"[update] unknown field [{property.Name}]{where}"),
            };
        }

        return update;
    }
}

/// <summary>One action of a bulk request: a write the engine runs in bulk, or an update.</summary>
/// <param name="Write">An index, create or delete.</param>
/// <param name="Update">An update.</param>
public sealed record BulkAction(BulkOperation? Write, BulkUpdate? Update);

/// <summary>A bulk request's update of one document.</summary>
/// <param name="Index">The index.</param>
/// <param name="Id">The document.</param>
/// <param name="Request">The change.</param>
public sealed record BulkUpdate(string Index, string Id, UpdateRequest Request);
