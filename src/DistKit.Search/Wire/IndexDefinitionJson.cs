using System.Globalization;
using System.Text.Json;
using DistKit.Search.Engine;

namespace DistKit.Search.Wire;

/// <summary>
/// An index's settings and mappings in Elasticsearch's JSON: the body of <c>PUT /{index}</c>, and
/// what <c>GET /{index}</c>, <c>/_mapping</c> and <c>/_settings</c> answer. Mappings nest by
/// <c>properties</c> there; the engine keeps them flat by dotted path, with a text field's
/// <c>keyword</c> sub-field as <c>name.keyword</c>.
/// </summary>
public static class IndexDefinitionJson
{
    /// <summary>Reads the body of an index creation: <c>settings</c> and <c>mappings</c>, both optional.</summary>
    /// <exception cref="SearchException">An unknown key or setting, a value out of range, or a mapping the engine cannot index.</exception>
    public static IndexDefinition Read(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new SearchException("parse_exception", "request body is required to be an object");
        }

        var definition = new IndexDefinition();
        foreach (var property in body.EnumerateObject())
        {
            definition = property.Name switch
            {
                "settings" => ReadSettings(property.Value, definition),
                "mappings" => definition with { Mappings = ReadMappings(property.Value) },
                "aliases" when property.Value.ValueKind == JsonValueKind.Object && !property.Value.EnumerateObject().Any() => definition,
                "aliases" => throw SearchException.IllegalArgument("aliases are not supported by this engine"),
                _ => throw new SearchException("parse_exception", $"unknown key [{property.Name}] for create index"),
            };
        }

        definition.Validate();
        return definition;
    }

    /// <summary>Reads a <c>mappings</c> object (<c>{"properties": …}</c>) into flat mappings by dotted path.</summary>
    public static Dictionary<string, FieldMapping> ReadMappings(JsonElement mappings)
    {
        if (mappings.ValueKind != JsonValueKind.Object)
        {
            throw new SearchException("mapper_parsing_exception", "[mappings] takes an object");
        }

        var result = new Dictionary<string, FieldMapping>(StringComparer.Ordinal);
        foreach (var property in mappings.EnumerateObject())
        {
            switch (property.Name)
            {
                case "properties":
                    ReadProperties(property.Value, "", result);
                    break;
                case "dynamic" when property.Value.ValueKind == JsonValueKind.True || property.Value.ToString() == "true":
                    break; // the only kind this engine has
                default:
                    throw new SearchException("mapper_parsing_exception", $"Root mapping definition has unsupported parameters: [{property.Name} : {property.Value.GetRawText()}]");
            }
        }

        return result;
    }

    /// <summary>Writes <c>{"properties": …}</c> for <paramref name="mappings"/>.</summary>
    public static void WriteMappings(Utf8JsonWriter writer, IReadOnlyDictionary<string, FieldMapping> mappings)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(mappings);
        writer.WriteStartObject();
        if (mappings.Count > 0)
        {
            writer.WritePropertyName("properties");
            WriteLevel(writer, mappings, "");
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes <c>{"index": {number_of_shards, …}}</c> for <paramref name="definition"/>.</summary>
    public static void WriteSettings(Utf8JsonWriter writer, string index, IndexDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(definition);
        writer.WriteStartObject();
        writer.WriteStartObject("index");
        writer.WriteString("number_of_shards", definition.Shards.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("number_of_replicas", "0");
        writer.WriteString("refresh_interval", TimeValues.Format(definition.RefreshInterval));
        writer.WriteString("max_result_window", SearchRequest.MaxResultWindow.ToString(CultureInfo.InvariantCulture));
        writer.WriteString("provided_name", index);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static IndexDefinition ReadSettings(JsonElement settings, IndexDefinition definition)
    {
        if (settings.ValueKind != JsonValueKind.Object)
        {
            throw SearchException.IllegalArgument("[settings] takes an object");
        }

        foreach (var (key, value) in Flatten(settings, ""))
        {
            var name = key.StartsWith("index.", StringComparison.Ordinal) ? key["index.".Length..] : key;
            definition = name switch
            {
                "number_of_shards" => definition with { Shards = WholeSetting(key, value) },
                "number_of_replicas" => WholeSetting(key, value) >= 0 ? definition // one node: replicas are never allocated
                    : throw SearchException.IllegalArgument($"Failed to parse value [{value}] for setting [{key}] must be >= 0"),
                "refresh_interval" => definition with { RefreshInterval = TimeValues.Parse(value, "index.refresh_interval") },
                "max_result_window" when WholeSetting(key, value) == SearchRequest.MaxResultWindow => definition,
                "max_result_window" => throw SearchException.IllegalArgument($"[index.max_result_window] is fixed at {SearchRequest.MaxResultWindow} in this engine"),
                _ when name.StartsWith("analysis.", StringComparison.Ordinal) => throw SearchException.IllegalArgument(
                    "custom analysis settings are not supported by this engine; use a built-in analyzer (standard, whitespace, keyword, simple, cjk)"),
                _ => throw SearchException.IllegalArgument(
                    $"unknown setting [index.{name}] please check that any required plugins are installed, or check the breaking changes documentation for removed settings"),
            };
        }

        return definition;
    }

    private static int WholeSetting(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : throw SearchException.IllegalArgument($"Failed to parse value [{value}] for setting [{key}]");

    // Settings may be nested ({"index": {"number_of_shards": 3}}) or dotted ({"index.number_of_shards": "3"}), values strings or numbers.
    private static IEnumerable<(string Key, string Value)> Flatten(JsonElement element, string prefix)
    {
        foreach (var property in element.EnumerateObject())
        {
            var key = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var nested in Flatten(property.Value, key))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return (key, property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText());
            }
        }
    }

    private static void ReadProperties(JsonElement properties, string prefix, Dictionary<string, FieldMapping> into)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            throw new SearchException("mapper_parsing_exception", $"[properties] must be an object{(prefix.Length == 0 ? "" : $" (under [{prefix}])")}");
        }

        foreach (var field in properties.EnumerateObject())
        {
            var path = prefix.Length == 0 ? field.Name : $"{prefix}.{field.Name}";
            if (field.Name.Length == 0 || field.Name.Contains('.', StringComparison.Ordinal))
            {
                throw new SearchException("mapper_parsing_exception", $"field name [{path}] must be a non-empty name without dots; nest objects with [properties]");
            }

            ReadField(field.Value, path, into);
        }
    }

    private static void ReadField(JsonElement field, string path, Dictionary<string, FieldMapping> into)
    {
        if (field.ValueKind != JsonValueKind.Object)
        {
            throw new SearchException("mapper_parsing_exception", $"Expected map for property [fields] on field [{path}] but got a {field.ValueKind.ToString().ToLowerInvariant()}");
        }

        string? typeName = field.TryGetProperty("type", out var type) ? type.GetString() : null;
        if (typeName is null or "object")
        {
            foreach (var property in field.EnumerateObject())
            {
                if (property.Name == "properties")
                {
                    ReadProperties(property.Value, path, into);
                }
                else if (property.Name != "type" && !(property.Name == "dynamic" && property.Value.ToString() == "true"))
                {
                    throw UnknownParameter(property.Name, path, "object");
                }
            }

            return;
        }

        var mappingType = FieldMapping.TypeOf(typeName)
            ?? throw new SearchException("mapper_parsing_exception", $"No handler for type [{typeName}] declared on field [{path}]");
        string? analyzer = null;
        foreach (var property in field.EnumerateObject())
        {
            switch (property.Name)
            {
                case "type":
                    break;
                case "analyzer" when mappingType == MappingType.Text:
                    analyzer = property.Value.GetString();
                    break;
                case "fields" when mappingType == MappingType.Text:
                    ReadKeywordSubField(property.Value, path, into);
                    break;
                default:
                    throw UnknownParameter(property.Name, path, typeName);
            }
        }

        into[path] = new FieldMapping(mappingType, analyzer);
    }

    // The one multi-field the engine fills: a text field's exact-value copy, name.keyword.
    private static void ReadKeywordSubField(JsonElement fields, string path, Dictionary<string, FieldMapping> into)
    {
        foreach (var sub in fields.EnumerateObject())
        {
            var isKeyword = sub.Name == "keyword"
                && sub.Value.ValueKind == JsonValueKind.Object
                && sub.Value.EnumerateObject().All(p => (p.Name == "type" && p.Value.GetString() == "keyword") || (p.Name == "ignore_above" && p.Value.ToString() == "256"));
            if (!isKeyword)
            {
                throw new SearchException("mapper_parsing_exception",
                    $"multi-field [{path}.{sub.Name}] is not supported: this engine keeps one sub-field, [keyword] of type keyword (ignore_above 256)");
            }

            into[$"{path}.keyword"] = new FieldMapping(MappingType.Keyword);
        }
    }

    private static SearchException UnknownParameter(string parameter, string path, string type) =>
        new("mapper_parsing_exception", $"unknown parameter [{parameter}] on mapper [{path}] of type [{type}]");

    private static void WriteLevel(Utf8JsonWriter writer, IReadOnlyDictionary<string, FieldMapping> mappings, string prefix)
    {
        writer.WriteStartObject();
        var children = mappings.Keys
            .Where(k => prefix.Length == 0 || k.StartsWith(prefix + ".", StringComparison.Ordinal))
            .Select(k => k[(prefix.Length == 0 ? 0 : prefix.Length + 1)..].Split('.')[0])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        foreach (var name in children)
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            writer.WritePropertyName(name);
            if (mappings.TryGetValue(path, out var leaf))
            {
                writer.WriteStartObject();
                writer.WriteString("type", leaf.TypeName);
                if (leaf.Analyzer is { } analyzer)
                {
                    writer.WriteString("analyzer", analyzer);
                }

                if (leaf.Type == MappingType.Text && mappings.TryGetValue(path + ".keyword", out var keyword) && keyword.Type == MappingType.Keyword)
                {
                    writer.WriteStartObject("fields");
                    writer.WriteStartObject("keyword");
                    writer.WriteString("type", "keyword");
                    writer.WriteNumber("ignore_above", 256);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }
            else
            {
                writer.WriteStartObject();
                writer.WritePropertyName("properties");
                WriteLevel(writer, mappings, path);
                writer.WriteEndObject();
            }
        }

        writer.WriteEndObject();
    }
}
