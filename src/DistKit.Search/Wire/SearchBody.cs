using System.Globalization;
using System.Text.Json;
using DistKit.Search.Dsl;
using DistKit.Search.Engine;

namespace DistKit.Search.Wire;

/// <summary>
/// A <c>_search</c> request as Elasticsearch takes it, from its JSON body and URL parameters: the
/// query and page for the engine, and what the response shows (<c>_source</c> filtering, how far
/// <c>hits.total</c> is counted, and in which shape).
/// </summary>
/// <param name="Request">What the engine runs.</param>
public sealed record SearchBody(SearchRequest Request)
{
    /// <summary>Elasticsearch's default: totals are exact up to 10,000, then a lower bound.</summary>
    public const int DefaultTrackTotalHits = 10_000;

    // Parts of a search body Elasticsearch has that this engine does not run yet: refused by name, never ignored.
    private static readonly HashSet<string> NotYet = new(StringComparer.Ordinal)
    {
        "aggs", "aggregations", "sort", "search_after", "highlight", "post_filter", "suggest", "collapse", "rescore",
        "script_fields", "docvalue_fields", "stored_fields", "fields", "min_score", "pit", "runtime_mappings", "knn",
        "explain", "version", "seq_no_primary_term", "terminate_after", "timeout", "indices_boost", "profile", "slice",
    };

    /// <summary>Which parts of each hit's source the response carries.</summary>
    public SourceFilter Source { get; init; } = SourceFilter.All;

    /// <summary>How far <c>hits.total</c> is counted exactly: a number, <see cref="int.MaxValue"/> for <c>true</c>, -1 for <c>false</c> (no total).</summary>
    public int TrackTotalHits { get; init; } = DefaultTrackTotalHits;

    /// <summary><c>hits.total</c> as a plain number (<c>rest_total_hits_as_int</c>).</summary>
    public bool TotalAsInt { get; init; }

    /// <summary>
    /// Reads a search body (null or an empty object for "match everything") with URL parameters,
    /// which win over the body as in Elasticsearch.
    /// </summary>
    /// <exception cref="SearchException"><c>parsing_exception</c> naming the part it cannot read, or <c>illegal_argument_exception</c> for a page beyond the result window.</exception>
    public static SearchBody Read(JsonElement? body, Func<string, string?> parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        Query query = new MatchAllQuery();
        int? from = null, size = null;
        var source = SourceFilter.All;
        var track = DefaultTrackTotalHits;
        if (body is { } json)
        {
            if (json.ValueKind != JsonValueKind.Object)
            {
                throw SearchException.Parsing($"a search body is an object, found {JsonNode.Describe(json)}");
            }

            foreach (var property in json.EnumerateObject())
            {
                var node = new JsonNode(property.Value, property.Name);
                switch (property.Name)
                {
                    case "query":
                        query = QueryDsl.Parse(property.Value);
                        break;
                    case "from":
                        from = node.Whole(0, int.MaxValue);
                        break;
                    case "size":
                        size = node.Whole(0, int.MaxValue);
                        break;
                    case "_source":
                        source = SourceFilter.Read(property.Value);
                        break;
                    case "track_total_hits":
                        track = property.Value.ValueKind switch
                        {
                            JsonValueKind.True => int.MaxValue,
                            JsonValueKind.False => -1,
                            _ => node.Whole(0, int.MaxValue),
                        };
                        break;
                    case var name when NotYet.Contains(name):
                        throw SearchException.Parsing($"[{name}] is not supported by this engine yet");
                    default:
                        throw SearchException.Parsing($"Unknown key for a {TokenName(property.Value)} in [{property.Name}].");
                }
            }
        }

        from = Whole(parameter("from"), "from") ?? from;
        size = Whole(parameter("size"), "size") ?? size;
        source = SourceFilter.FromParameters(parameter("_source"), parameter("_source_includes"), parameter("_source_excludes")) ?? source;
        if (parameter("track_total_hits") is { } trackText)
        {
            track = trackText switch
            {
                "true" => int.MaxValue,
                "false" => -1,
                _ => Whole(trackText, "track_total_hits") ?? track,
            };
        }

        if (parameter("q") is not null)
        {
            throw SearchException.IllegalArgument("[q] (a query in Lucene syntax in the URL) is not supported by this engine yet; send the query in the body");
        }

        var totalAsInt = parameter("rest_total_hits_as_int") is { } asInt && Flag(asInt, "rest_total_hits_as_int");
        if (totalAsInt && track is not (int.MaxValue or DefaultTrackTotalHits))
        {
            throw SearchException.IllegalArgument("[rest_total_hits_as_int] cannot be used if the tracking of total hits is not accurate, got " + track);
        }

        var request = new SearchRequest(query) { From = from ?? 0, Size = size ?? 10 };
        request.Validate();
        return new SearchBody(request) { Source = source, TrackTotalHits = totalAsInt ? int.MaxValue : track, TotalAsInt = totalAsInt };
    }

    /// <summary>Reads the body of <c>_count</c>: only a <c>query</c>.</summary>
    public static Query ReadCount(JsonElement? body)
    {
        if (body is not { } json)
        {
            return new MatchAllQuery();
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            throw SearchException.Parsing($"a count body is an object, found {JsonNode.Describe(json)}");
        }

        Query query = new MatchAllQuery();
        foreach (var property in json.EnumerateObject())
        {
            query = property.Name == "query"
                ? QueryDsl.Parse(property.Value)
                : throw SearchException.Parsing($"request does not support [{property.Name}]");
        }

        return query;
    }

    /// <summary>Reads a boolean URL flag (<c>true</c>, <c>false</c>, or empty for true).</summary>
    public static bool Flag(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value switch
        {
            "" or "true" => true,
            "false" => false,
            _ => throw SearchException.IllegalArgument($"Failed to parse value [{value}] as only [true] or [false] are allowed (parameter [{name}])"),
        };
    }

    private static int? Whole(string? text, string name) =>
        text is null ? null
        : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value
        : throw SearchException.IllegalArgument($"Failed to parse int parameter [{name}] with value [{text}]");

    private static string TokenName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "START_OBJECT",
        JsonValueKind.Array => "START_ARRAY",
        JsonValueKind.String => "VALUE_STRING",
        JsonValueKind.Number => "VALUE_NUMBER",
        JsonValueKind.True or JsonValueKind.False => "VALUE_BOOLEAN",
        _ => "VALUE_NULL",
    };
}
