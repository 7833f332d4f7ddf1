using System.Text.Json;

namespace DistKit.Search.Dsl;

/// <summary>A JSON value with the path it was found at, and the typed reads a query parameter needs, each failing as a <c>parsing_exception</c> that names the path.</summary>
internal readonly record struct JsonNode(JsonElement Element, string Path)
{
    public JsonNode Child(string name) => new(Element.GetProperty(name), $"{Path}.{name}");

    public SearchException Error(string problem) => SearchException.Parsing($"[{Path}] {problem}");

    public IEnumerable<(string Name, JsonNode Value)> Properties(string query)
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Error($"[{query}] takes an object, found {Describe(Element)}");
        }

        var path = Path;
        return Element.EnumerateObject().Select(p => (p.Name, new JsonNode(p.Value, $"{path}.{p.Name}")));
    }

    public string String()
    {
        return Element.ValueKind == JsonValueKind.String
            ? Element.GetString()!
            : throw Error($"takes a string, found {Describe(Element)}");
    }

    public string Text()
    {
        // Elasticsearch reads numbers and booleans where it expects text ("query": 42).
        return FieldValue.FromJson(Element) is { } value
            ? value.AsText()
            : throw Error($"takes a string, found {Describe(Element)}");
    }

    public FieldValue Scalar() => FieldValue.FromJson(Element) ?? throw Error($"takes a string, number or boolean, found {Describe(Element)}");

    public double Number()
    {
        if (Element.ValueKind == JsonValueKind.Number)
        {
            return Element.GetDouble();
        }

        if (Element.ValueKind == JsonValueKind.String && double.TryParse(Element.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            return parsed;
        }

        throw Error($"takes a number, found {Describe(Element)}");
    }

    public int Whole(int min, int max)
    {
        var value = Number();
        return value == Math.Floor(value) && value >= min && value <= max
            ? (int)value
            : throw Error($"takes a whole number from {min} to {max}, found {Element.GetRawText()}");
    }

    public bool Boolean()
    {
        return Element.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(Element.GetString(), out var parsed) => parsed,
            _ => throw Error($"takes true or false, found {Describe(Element)}"),
        };
    }

    /// <summary>One value or an array of them, as a list.</summary>
    public IReadOnlyList<JsonNode> OneOrMany()
    {
        if (Element.ValueKind != JsonValueKind.Array)
        {
            return [this];
        }

        var path = Path;
        return [.. Element.EnumerateArray().Select((e, i) => new JsonNode(e, $"{path}[{i}]"))];
    }

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{Shorten(element.GetString()!)}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
