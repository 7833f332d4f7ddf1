using System.Text.Json;

namespace DistKit.Search.Dsl;

/// <summary>The Query DSL's reader: one method per query type, each reading only the parameters it applies.</summary>
internal static class QueryReader
{
    public static Query Read(JsonElement element, string path)
    {
        var node = new JsonNode(element, path);
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw node.Error($"a query is an object, found {JsonNode.Describe(element)}");
        }

        var properties = element.EnumerateObject().ToList();
        if (properties.Count != 1)
        {
            throw node.Error(properties.Count == 0
                ? "a query names its type, found an empty object"
                : $"a query has one type, found {properties.Count}: [{string.Join(", ", properties.Select(p => p.Name))}]");
        }

        var kind = properties[0].Name;
        var body = new JsonNode(properties[0].Value, $"{path}.{kind}");
        return kind switch
        {
            "match_all" => Plain(body, kind, new MatchAllQuery()),
            "match_none" => Plain(body, kind, new MatchNoneQuery()),
            "match" => Match(body),
            "match_phrase" => MatchPhrase(body),
            "multi_match" => MultiMatch(body),
            "term" => Term(body),
            "terms" => Terms(body),
            "range" => Range(body),
            "exists" => Exists(body),
            "prefix" => Prefix(body),
            "wildcard" => Wildcard(body),
            "ids" => Ids(body),
            "query_string" => QueryString(body, simple: false),
            "simple_query_string" => QueryString(body, simple: true),
            "bool" => Bool(body),
            "constant_score" => ConstantScore(body),
            "function_score" => FunctionScore(body),
            _ => throw node.Error($"unknown query [{kind}]"),
        };
    }

    private static T Plain<T>(JsonNode body, string kind, T query) where T : Query
    {
        double? boost = null;
        foreach (var (name, value) in body.Properties(kind))
        {
            boost = name switch
            {
                "boost" => value.Number(),
                "_name" => boost,
                _ => throw Unsupported(value, kind, name),
            };
        }

        return query with { Boost = boost };
    }

    private static MatchQuery Match(JsonNode body)
    {
        var (field, node) = SingleField(body, "match");
        if (node.Element.ValueKind != JsonValueKind.Object)
        {
            return new MatchQuery(field, node.Scalar());
        }

        FieldValue? text = null;
        var query = new MatchQuery(field, default);
        foreach (var (name, value) in node.Properties("match"))
        {
            query = name switch
            {
                "query" => query with { Text = (text = value.Scalar()).Value },
                "operator" => query with { Operator = Operator(value) },
                "minimum_should_match" => query with { MinimumShouldMatch = MinimumShouldMatch(value) },
                "fuzziness" => query with { Fuzziness = Fuzziness.TryParse(value.Text()) ?? throw value.Error($"[match] fuzziness is 0, 1, 2, AUTO or AUTO:low,high, found {value.Element.GetRawText()}") },
                "analyzer" => query with { Analyzer = value.String() },
                "boost" => query with { Boost = value.Number() },
                "_name" => query,
                _ => throw Unsupported(value, "match", name),
            };
        }

        return text is null ? throw node.Error("[match] requires [query]") : query;
    }

    private static MatchPhraseQuery MatchPhrase(JsonNode body)
    {
        var (field, node) = SingleField(body, "match_phrase");
        if (node.Element.ValueKind != JsonValueKind.Object)
        {
            return new MatchPhraseQuery(field, node.Text());
        }

        string? text = null;
        var query = new MatchPhraseQuery(field, "");
        foreach (var (name, value) in node.Properties("match_phrase"))
        {
            query = name switch
            {
                "query" => query with { Text = text = value.Text() },
                "slop" => query with { Slop = value.Whole(0, 1000) },
                "analyzer" => query with { Analyzer = value.String() },
                "boost" => query with { Boost = value.Number() },
                "_name" => query,
                _ => throw Unsupported(value, "match_phrase", name),
            };
        }

        return text is null ? throw node.Error("[match_phrase] requires [query]") : query;
    }

    private static MultiMatchQuery MultiMatch(JsonNode body)
    {
        string? text = null;
        IReadOnlyList<BoostedField> fields = [];
        var query = new MultiMatchQuery("", []);
        foreach (var (name, value) in body.Properties("multi_match"))
        {
            query = name switch
            {
                "query" => query with { Text = text = value.Text() },
                "fields" => query with { Fields = fields = Fields(value, "multi_match") },
                "type" => query with
                {
                    Type = value.String() switch
                    {
                        "best_fields" => MultiMatchType.BestFields,
                        "most_fields" => MultiMatchType.MostFields,
                        "phrase" => MultiMatchType.Phrase,
                        var other => throw value.Error($"[multi_match] type is best_fields, most_fields or phrase, found [{other}]"),
                    },
                },
                "operator" => query with { Operator = Operator(value) },
                "minimum_should_match" => query with { MinimumShouldMatch = MinimumShouldMatch(value) },
                "slop" => query with { Slop = value.Whole(0, 1000) },
                "boost" => query with { Boost = value.Number() },
                "_name" => query,
                _ => throw Unsupported(value, "multi_match", name),
            };
        }

        return text is null ? throw body.Error("[multi_match] requires [query]")
            : fields.Count == 0 ? throw body.Error("[multi_match] requires [fields]")
            : query;
    }

    private static TermQuery Term(JsonNode body)
    {
        var (field, node) = SingleField(body, "term");
        if (node.Element.ValueKind != JsonValueKind.Object)
        {
            return new TermQuery(field, node.Scalar());
        }

        FieldValue? term = null;
        var query = new TermQuery(field, default);
        foreach (var (name, value) in node.Properties("term"))
        {
            query = name switch
            {
                "value" => query with { Value = (term = value.Scalar()).Value },
                "case_insensitive" => query with { CaseInsensitive = value.Boolean() },
                "boost" => query with { Boost = value.Number() },
                "_name" => query,
                _ => throw Unsupported(value, "term", name),
            };
        }

        return term is null ? throw node.Error("[term] requires [value]") : query;
    }

    private static TermsQuery Terms(JsonNode body)
    {
        string? field = null;
        IReadOnlyList<FieldValue> values = [];
        double? boost = null;
        foreach (var (name, value) in body.Properties("terms"))
        {
            switch (name)
            {
                case "boost":
                    boost = value.Number();
                    break;
                case "_name":
                    break;
                default:
                    if (field is not null)
                    {
                        throw value.Error($"[terms] takes one field, found [{field}] and [{name}]");
                    }

                    if (value.Element.ValueKind != JsonValueKind.Array)
                    {
                        throw value.Error($"[terms] takes an array of values for [{name}], found {JsonNode.Describe(value.Element)}");
                    }

                    field = name;
                    values = [.. value.OneOrMany().Select(v => v.Scalar())];
                    break;
            }
        }

        return field is null ? throw body.Error("[terms] requires a field") : new TermsQuery(field, values) { Boost = boost };
    }

    private static RangeQuery Range(JsonNode body)
    {
        var (field, node) = SingleField(body, "range");
        var query = new RangeQuery(field);
        foreach (var (name, value) in node.Properties("range"))
        {
            query = name switch
            {
                "gt" => query with { Gt = value.Scalar() },
                "gte" => query with { Gte = value.Scalar() },
                "lt" => query with { Lt = value.Scalar() },
                "lte" => query with { Lte = value.Scalar() },
                "format" => query with { Format = value.String() },
                "time_zone" => query with { TimeZone = value.String() },
                "boost" => query with { Boost = value.Number() },
                "_name" => query,
                _ => throw Unsupported(value, "range", name),
            };
        }

        return query;
    }

    private static ExistsQuery Exists(JsonNode body)
    {
        string? field = null;
        double? boost = null;
        foreach (var (name, value) in body.Properties("exists"))
        {
            switch (name)
            {
                case "field":
                    field = value.String();
                    break;
                case "boost":
                    boost = value.Number();
                    break;
                case "_name":
                    break;
                default:
                    throw Unsupported(value, "exists", name);
            }
        }

        return field is null ? throw body.Error("[exists] requires [field]") : new ExistsQuery(field) { Boost = boost };
    }

    private static PrefixQuery Prefix(JsonNode body)
    {
        var (field, node) = SingleField(body, "prefix");
        if (node.Element.ValueKind != JsonValueKind.Object)
        {
            return new PrefixQuery(field, node.Text());
        }

        string? text = null;
        var query = new PrefixQuery(field, "");
        foreach (var (name, value) in node.Properties("prefix"))
        {
            query = name switch
            {
                "value" => query with { Value = text = value.Text() },
                "case_insensitive" => query with { CaseInsensitive = value.Boolean() },
                "boost" => query with { Boost = value.Number() },
                "_name" => query,
                _ => throw Unsupported(value, "prefix", name),
            };
        }

        return text is null ? throw node.Error("[prefix] requires [value]") : query;
    }

    private static WildcardQuery Wildcard(JsonNode body)
    {
        var (field, node) = SingleField(body, "wildcard");
        if (node.Element.ValueKind != JsonValueKind.Object)
        {
            return new WildcardQuery(field, node.Text());
        }

        string? pattern = null;
        var query = new WildcardQuery(field, "");
        foreach (var (name, value) in node.Properties("wildcard"))
        {
            query = name switch
            {
                "value" or "wildcard" => query with { Pattern = pattern = value.Text() },
                "case_insensitive" => query with { CaseInsensitive = value.Boolean() },
                "boost" => query with { Boost = value.Number() },
                "_name" => query,
                _ => throw Unsupported(value, "wildcard", name),
            };
        }

        return pattern is null ? throw node.Error("[wildcard] requires [value]") : query;
    }

    private static IdsQuery Ids(JsonNode body)
    {
        IReadOnlyList<string>? values = null;
        double? boost = null;
        foreach (var (name, value) in body.Properties("ids"))
        {
            switch (name)
            {
                case "values":
                    values = [.. value.OneOrMany().Select(v => v.Text())];
                    break;
                case "boost":
                    boost = value.Number();
                    break;
                case "_name":
                    break;
                default:
                    throw Unsupported(value, "ids", name);
            }
        }

        return values is null ? throw body.Error("[ids] requires [values]") : new IdsQuery(values) { Boost = boost };
    }

    private static QueryStringQuery QueryString(JsonNode body, bool simple)
    {
        var kind = simple ? "simple_query_string" : "query_string";
        string? text = null;
        var query = new QueryStringQuery("") { Simple = simple };
        foreach (var (name, value) in body.Properties(kind))
        {
            query = name switch
            {
                "query" => query with { Text = text = value.Text() },
                "fields" => query with { Fields = Fields(value, kind) },
                "default_field" => query with { DefaultField = value.String() },
                "default_operator" => query with { DefaultOperator = Operator(value) },
                "boost" => query with { Boost = value.Number() },
                "_name" => query,
                _ => throw Unsupported(value, kind, name),
            };
        }

        return text is null ? throw body.Error($"[{kind}] requires [query]") : query;
    }

    private static BoolQuery Bool(JsonNode body)
    {
        var query = new BoolQuery();
        foreach (var (name, value) in body.Properties("bool"))
        {
            query = name switch
            {
                "must" => query with { Must = Clauses(value) },
                "should" => query with { Should = Clauses(value) },
                "must_not" => query with { MustNot = Clauses(value) },
                "filter" => query with { Filter = Clauses(value) },
                "minimum_should_match" => query with { MinimumShouldMatch = MinimumShouldMatch(value) },
                "boost" => query with { Boost = value.Number() },
                "_name" => query,
                _ => throw Unsupported(value, "bool", name),
            };
        }

        return query;
    }

    private static ConstantScoreQuery ConstantScore(JsonNode body)
    {
        Query? filter = null;
        double? boost = null;
        foreach (var (name, value) in body.Properties("constant_score"))
        {
            switch (name)
            {
                case "filter":
                    filter = Read(value.Element, value.Path);
                    break;
                case "boost":
                    boost = value.Number();
                    break;
                case "_name":
                    break;
                default:
                    throw Unsupported(value, "constant_score", name);
            }
        }

        return filter is null ? throw body.Error("[constant_score] requires [filter]") : new ConstantScoreQuery(filter) { Boost = boost };
    }

    private static FunctionScoreQuery FunctionScore(JsonNode body)
    {
        var query = new FunctionScoreQuery(new MatchAllQuery());
        foreach (var (name, value) in body.Properties("function_score"))
        {
            query = name switch
            {
                "query" => query with { Query = Read(value.Element, value.Path) },
                "field_value_factor" => query with { FieldValueFactor = FieldValueFactorOf(value) },
                "boost_mode" => query with
                {
                    BoostMode = value.String() switch
                    {
                        "multiply" => BoostMode.Multiply,
                        "replace" => BoostMode.Replace,
                        "sum" => BoostMode.Sum,
                        "avg" => BoostMode.Avg,
                        "max" => BoostMode.Max,
                        "min" => BoostMode.Min,
                        var other => throw value.Error($"[function_score] boost_mode is multiply, replace, sum, avg, max or min, found [{other}]"),
                    },
                },
                "boost" => query with { Boost = value.Number() },
                "_name" => query,
                _ => throw Unsupported(value, "function_score", name),
            };
        }

        return query;
    }

    private static FieldValueFactor FieldValueFactorOf(JsonNode node)
    {
        string? field = null;
        var factor = new FieldValueFactor("");
        foreach (var (name, value) in node.Properties("field_value_factor"))
        {
            factor = name switch
            {
                "field" => factor with { Field = field = value.String() },
                "factor" => factor with { Factor = value.Number() },
                "missing" => factor with { Missing = value.Number() },
                "modifier" => factor with
                {
                    Modifier = value.String() switch
                    {
                        "none" => FieldValueModifier.None,
                        "log" => FieldValueModifier.Log,
                        "log1p" => FieldValueModifier.Log1p,
                        "log2p" => FieldValueModifier.Log2p,
                        "ln" => FieldValueModifier.Ln,
                        "ln1p" => FieldValueModifier.Ln1p,
                        "ln2p" => FieldValueModifier.Ln2p,
                        "square" => FieldValueModifier.Square,
                        "sqrt" => FieldValueModifier.Sqrt,
                        "reciprocal" => FieldValueModifier.Reciprocal,
                        var other => throw value.Error($"[field_value_factor] modifier is none, log, log1p, log2p, ln, ln1p, ln2p, square, sqrt or reciprocal, found [{other}]"),
                    },
                },
                _ => throw Unsupported(value, "field_value_factor", name),
            };
        }

        return field is null ? throw node.Error("[field_value_factor] requires [field]") : factor;
    }

    private static IReadOnlyList<Query> Clauses(JsonNode value) => [.. value.OneOrMany().Select(c => Read(c.Element, c.Path))];

    private static IReadOnlyList<BoostedField> Fields(JsonNode value, string kind) =>
        [.. value.OneOrMany().Select(f => BoostedField.TryParse(f.String()) ?? throw f.Error($"[{kind}] a field is name or name^boost, found [{f.String()}]"))];

    private static MatchOperator Operator(JsonNode value) => value.String().ToLowerInvariant() switch
    {
        "or" => MatchOperator.Or,
        "and" => MatchOperator.And,
        var other => throw value.Error($"operator is and or or, found [{other}]"),
    };

    private static MinimumShouldMatch MinimumShouldMatch(JsonNode value) =>
        Dsl.MinimumShouldMatch.TryParse(value.Text()) ?? throw value.Error($"minimum_should_match is a count (2, -1) or a share (75%, -25%), found {value.Element.GetRawText()}");

    // The form {"match": {"title": …}}: exactly one field, whose value is the parameters.
    private static (string Field, JsonNode Value) SingleField(JsonNode body, string kind)
    {
        var fields = body.Properties(kind).ToList();
        return fields.Count == 1
            ? (fields[0].Name, fields[0].Value)
            : throw body.Error(fields.Count == 0 ? $"[{kind}] requires a field" : $"[{kind}] takes one field, found [{string.Join(", ", fields.Select(f => f.Name))}]");
    }

    private static SearchException Unsupported(JsonNode value, string kind, string name) =>
        value.Error($"[{kind}] query does not support [{name}]");
}
