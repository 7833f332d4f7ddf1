using System.Text;
using System.Text.Json;

namespace DistKit.Search.Dsl;

/// <summary>
/// Reads the Query DSL from Elasticsearch's JSON and writes it back. Reading is strict: an unknown
/// query type, a parameter this engine does not apply, or a value of the wrong type is a
/// <c>parsing_exception</c> whose reason names the JSON path of the offending part — never a
/// parameter silently ignored.
/// </summary>
public static class QueryDsl
{
    /// <summary>Reads a query object (<c>{"match":{"title":"quick"}}</c>).</summary>
    /// <exception cref="SearchException">Not JSON (<c>x_content_parse_exception</c>), or not a query this engine reads (<c>parsing_exception</c>).</exception>
    public static Query Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new SearchException("x_content_parse_exception", $"malformed JSON: {e.Message}", 400, e);
        }
    }

    /// <summary>Reads a query object from <paramref name="query"/>; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="SearchException">Not a query this engine reads (<c>parsing_exception</c>).</exception>
    public static Query Parse(JsonElement query, string path = "query") => QueryReader.Read(query, path);

    /// <summary>The query as Elasticsearch's JSON, every parameter in its long form.</summary>
    public static string Write(Query query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, query);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Writes the query as Elasticsearch's JSON.</summary>
    public static void Write(Utf8JsonWriter writer, Query query)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(query);
        QueryWriter.Write(writer, query);
    }
}
