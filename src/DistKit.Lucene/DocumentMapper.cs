using System.Globalization;
using System.Text.Json;
using DistKit.Search;
using DistKit.Search.Engine;
using Lucene.Net.Documents;
using Lucene.Net.Index;

namespace DistKit.Lucene;

/// <summary>
/// Turns a JSON document into Lucene fields by the index's mapping: objects become dotted paths,
/// arrays many values of one field, nulls nothing. A field not yet mapped gets a type from its first
/// value, as Elasticsearch's dynamic mapping does — a string becomes <c>text</c> with a
/// <c>keyword</c> sub-field (<c>name.keyword</c>), or <c>date</c> when it reads as one.
/// </summary>
internal static class DocumentMapper
{
    public const string IdField = "_id";
    public const string SourceField = "_source";
    public const string VersionField = "_version";
    public const string SeqNoField = "_seq_no";
    public const string FieldNamesField = "_field_names";

    /// <summary>The deepest object nesting a document may have (Elasticsearch's <c>index.mapping.depth.limit</c>).</summary>
    public const int MaxDepth = 20;

    // Elasticsearch's ignore_above for a dynamic keyword sub-field.
    private const int KeywordIgnoreAbove = 256;

    /// <summary>The Lucene document for <paramref name="source"/>, and the mappings it added.</summary>
    /// <exception cref="SearchException"><c>mapper_parsing_exception</c>: not a JSON object, or a value its field's type cannot hold.</exception>
    public static (Document Document, Dictionary<string, FieldMapping> Added) Map(string id, string source, long version, long seqNo, IReadOnlyDictionary<string, FieldMapping> mappings)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(source, new JsonDocumentOptions { MaxDepth = MaxDepth + 1 });
        }
        catch (JsonException e) when (e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase))
        {
            throw new SearchException("mapper_parsing_exception", $"The depth of the document is greater than the limit of [{MaxDepth}]", 400, e);
        }
        catch (JsonException e)
        {
            throw new SearchException("mapper_parsing_exception", $"failed to parse: {e.Message}", 400, e);
        }

        using (json)
        {
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new SearchException("mapper_parsing_exception", "failed to parse, document is not an object");
            }

            var document = new Document
            {
                new StringField(IdField, id, Field.Store.YES),
                new StoredField(SourceField, source),
                new StoredField(VersionField, version),
                new StoredField(SeqNoField, seqNo),
            };
            var added = new Dictionary<string, FieldMapping>(StringComparer.Ordinal);
            var present = new HashSet<string>(StringComparer.Ordinal);
            Walk(json.RootElement, "", document, mappings, added, present);
            foreach (var path in present)
            {
                document.Add(new StringField(FieldNamesField, path, Field.Store.NO));
            }

            return (document, added);
        }
    }

    private static void Walk(JsonElement value, string path, Document document, IReadOnlyDictionary<string, FieldMapping> mappings, Dictionary<string, FieldMapping> added, HashSet<string> present)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (property.Name.Length == 0 || property.Name.StartsWith('_') && path.Length == 0)
                    {
                        throw new SearchException("mapper_parsing_exception", property.Name.Length == 0
                            ? "field name cannot be an empty string"
                            : $"Field [{property.Name}] is a metadata field and cannot be added inside a document.");
                    }

                    Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", document, mappings, added, present);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    Walk(item, path, document, mappings, added, present);
                }

                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                break;
            default:
                var mapping = mappings.GetValueOrDefault(path) ?? added.GetValueOrDefault(path) ?? Infer(value, path, mappings, added);
                AddValue(document, path, mapping, value);
                present.Add(path);
                if (mapping.Type == MappingType.Text && (mappings.GetValueOrDefault(path + ".keyword") ?? added.GetValueOrDefault(path + ".keyword")) is { Type: MappingType.Keyword } keyword
                    && value.ValueKind == JsonValueKind.String && value.GetString()!.Length <= KeywordIgnoreAbove)
                {
                    AddValue(document, path + ".keyword", keyword, value);
                    present.Add(path + ".keyword");
                }

                break;
        }
    }

    private static FieldMapping Infer(JsonElement value, string path, IReadOnlyDictionary<string, FieldMapping> mappings, Dictionary<string, FieldMapping> added)
    {
        FieldMapping mapping;
        switch (value.ValueKind)
        {
            case JsonValueKind.String when DateValues.LooksLikeDate(value.GetString()!):
                mapping = new FieldMapping(MappingType.Date);
                break;
            case JsonValueKind.String:
                mapping = new FieldMapping(MappingType.Text);
                if (!mappings.ContainsKey(path + ".keyword"))
                {
                    added.TryAdd(path + ".keyword", new FieldMapping(MappingType.Keyword));
                }

                break;
            case JsonValueKind.Number when value.TryGetInt64(out _):
                mapping = new FieldMapping(MappingType.Long);
                break;
            case JsonValueKind.Number:
                mapping = new FieldMapping(MappingType.Double);
                break;
            default:
                mapping = new FieldMapping(MappingType.Boolean);
                break;
        }

        added.TryAdd(path, mapping);
        return added[path];
    }

    private static void AddValue(Document document, string path, FieldMapping mapping, JsonElement value)
    {
        switch (mapping.Type)
        {
            case MappingType.Text:
                // Analyzed when Lucene indexes the document, by the index's MappingAnalyzer.
                document.Add(new TextField(path, Scalar(value), Field.Store.NO));
                break;
            case MappingType.Keyword:
                document.Add(new StringField(path, Scalar(value), Field.Store.NO));
                break;
            case MappingType.Long or MappingType.Integer:
                document.Add(new Int64Field(path, WholeNumber(value, path, mapping), Field.Store.NO));
                break;
            case MappingType.Double:
                document.Add(new DoubleField(path, Number(value, path), Field.Store.NO));
                break;
            case MappingType.Boolean:
                document.Add(new StringField(path, Boolean(value, path) ? "true" : "false", Field.Store.NO));
                break;
            case MappingType.Date:
                document.Add(new Int64Field(path, Date(value, path), Field.Store.NO));
                break;
        }
    }

    private static string Scalar(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static long WholeNumber(JsonElement value, string path, FieldMapping mapping)
    {
        // Elasticsearch coerces: 1.5 and "1.5" index as 1 in a long field.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var whole)
            || value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out whole)
            || TryTruncate(value, out whole))
        {
            if (mapping.Type == MappingType.Integer && whole is < int.MinValue or > int.MaxValue)
            {
                throw Unparsable(path, mapping.TypeName, value);
            }

            return whole;
        }

        throw Unparsable(path, mapping.TypeName, value);
    }

    private static bool TryTruncate(JsonElement value, out long whole)
    {
        var number = value.ValueKind == JsonValueKind.Number ? value.GetDouble()
            : value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
            : double.NaN;
        var ok = double.IsFinite(number) && Math.Abs(number) < 9.2e18;
        whole = ok ? (long)Math.Truncate(number) : 0;
        return ok;
    }

    private static double Number(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble()
        : value.ValueKind == JsonValueKind.String && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw Unparsable(path, "double", value);

    private static bool Boolean(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when value.GetString() is "true" or "false" => value.GetString() == "true",
        _ => throw Unparsable(path, "boolean", value),
    };

    private static long Date(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var millis) ? millis
        : value.ValueKind == JsonValueKind.String && DateValues.TryParse(value.GetString()!, out millis) ? millis
        : throw Unparsable(path, "date", value);

    private static SearchException Unparsable(string path, string type, JsonElement value) =>
        new("mapper_parsing_exception", $"failed to parse field [{path}] of type [{type}]: {value.GetRawText()}", 400);

    /// <summary>The stored fields of a hit.</summary>
    public static (string Id, string Source, long Version, long SeqNo) Stored(Document document) =>
        (document.Get(IdField), document.Get(SourceField), document.GetField(VersionField).GetInt64Value() ?? 0, document.GetField(SeqNoField).GetInt64Value() ?? 0);

    public static Term IdTerm(string id) => new(IdField, id);
}
