using System.Text.Json;

namespace DistKit.Search.Dsl;

/// <summary>Writes a query in Elasticsearch's long form: what <see cref="QueryReader"/> reads back to the same query.</summary>
internal static class QueryWriter
{
    public static void Write(Utf8JsonWriter w, Query query)
    {
        w.WriteStartObject();
        w.WritePropertyName(query.Kind);
        switch (query)
        {
            case MatchAllQuery or MatchNoneQuery:
                w.WriteStartObject();
                Boost(w, query);
                w.WriteEndObject();
                break;
            case MatchQuery q:
                Field(w, q.Field, () =>
                {
                    w.WritePropertyName("query");
                    q.Text.WriteTo(w);
                    Operator(w, "operator", q.Operator);
                    Text(w, "minimum_should_match", q.MinimumShouldMatch?.Text);
                    Text(w, "fuzziness", q.Fuzziness?.Text);
                    Text(w, "analyzer", q.Analyzer);
                    Boost(w, q);
                });
                break;
            case MatchPhraseQuery q:
                Field(w, q.Field, () =>
                {
                    w.WriteString("query", q.Text);
                    Whole(w, "slop", q.Slop);
                    Text(w, "analyzer", q.Analyzer);
                    Boost(w, q);
                });
                break;
            case MultiMatchQuery q:
                w.WriteStartObject();
                w.WriteString("query", q.Text);
                Fields(w, q.Fields);
                if (q.Type != MultiMatchType.BestFields)
                {
                    w.WriteString("type", q.Type == MultiMatchType.MostFields ? "most_fields" : "phrase");
                }

                Operator(w, "operator", q.Operator);
                Text(w, "minimum_should_match", q.MinimumShouldMatch?.Text);
                Whole(w, "slop", q.Slop);
                Boost(w, q);
                w.WriteEndObject();
                break;
            case TermQuery q:
                Field(w, q.Field, () =>
                {
                    w.WritePropertyName("value");
                    q.Value.WriteTo(w);
                    if (q.CaseInsensitive)
                    {
                        w.WriteBoolean("case_insensitive", true);
                    }

                    Boost(w, q);
                });
                break;
            case TermsQuery q:
                w.WriteStartObject();
                w.WriteStartArray(q.Field);
                foreach (var value in q.Values)
                {
                    value.WriteTo(w);
                }

                w.WriteEndArray();
                Boost(w, q);
                w.WriteEndObject();
                break;
            case RangeQuery q:
                Field(w, q.Field, () =>
                {
                    Bound(w, "gt", q.Gt);
                    Bound(w, "gte", q.Gte);
                    Bound(w, "lt", q.Lt);
                    Bound(w, "lte", q.Lte);
                    Text(w, "format", q.Format);
                    Text(w, "time_zone", q.TimeZone);
                    Boost(w, q);
                });
                break;
            case ExistsQuery q:
                w.WriteStartObject();
                w.WriteString("field", q.Field);
                Boost(w, q);
                w.WriteEndObject();
                break;
            case PrefixQuery q:
                Field(w, q.Field, () =>
                {
                    w.WriteString("value", q.Value);
                    if (q.CaseInsensitive)
                    {
                        w.WriteBoolean("case_insensitive", true);
                    }

                    Boost(w, q);
                });
                break;
            case WildcardQuery q:
                Field(w, q.Field, () =>
                {
                    w.WriteString("value", q.Pattern);
                    if (q.CaseInsensitive)
                    {
                        w.WriteBoolean("case_insensitive", true);
                    }

                    Boost(w, q);
                });
                break;
            case IdsQuery q:
                w.WriteStartObject();
                w.WriteStartArray("values");
                foreach (var id in q.Values)
                {
                    w.WriteStringValue(id);
                }

                w.WriteEndArray();
                Boost(w, q);
                w.WriteEndObject();
                break;
            case QueryStringQuery q:
                w.WriteStartObject();
                w.WriteString("query", q.Text);
                if (q.Fields.Count > 0)
                {
                    Fields(w, q.Fields);
                }

                Text(w, "default_field", q.DefaultField);
                Operator(w, "default_operator", q.DefaultOperator);
                Boost(w, q);
                w.WriteEndObject();
                break;
            case BoolQuery q:
                w.WriteStartObject();
                Clauses(w, "must", q.Must);
                Clauses(w, "should", q.Should);
                Clauses(w, "must_not", q.MustNot);
                Clauses(w, "filter", q.Filter);
                Text(w, "minimum_should_match", q.MinimumShouldMatch?.Text);
                Boost(w, q);
                w.WriteEndObject();
                break;
            case ConstantScoreQuery q:
                w.WriteStartObject();
                w.WritePropertyName("filter");
                Write(w, q.Filter);
                Boost(w, q);
                w.WriteEndObject();
                break;
            case FunctionScoreQuery q:
                w.WriteStartObject();
                w.WritePropertyName("query");
                Write(w, q.Query);
                if (q.FieldValueFactor is { } factor)
                {
                    w.WriteStartObject("field_value_factor");
                    w.WriteString("field", factor.Field);
                    w.WriteNumber("factor", factor.Factor);
                    w.WriteString("modifier", factor.Modifier.ToString().ToLowerInvariant());
                    if (factor.Missing is { } missing)
                    {
                        w.WriteNumber("missing", missing);
                    }

                    w.WriteEndObject();
                }

                w.WriteString("boost_mode", q.BoostMode.ToString().ToLowerInvariant());
                Boost(w, q);
                w.WriteEndObject();
                break;
            default:
                throw new ArgumentException($"no JSON form for {query.GetType().Name}", nameof(query));
        }

        w.WriteEndObject();
    }

    private static void Field(Utf8JsonWriter w, string field, Action body)
    {
        w.WriteStartObject();
        w.WriteStartObject(field);
        body();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Fields(Utf8JsonWriter w, IReadOnlyList<BoostedField> fields)
    {
        w.WriteStartArray("fields");
        foreach (var field in fields)
        {
            w.WriteStringValue(field.ToString());
        }

        w.WriteEndArray();
    }

    private static void Clauses(Utf8JsonWriter w, string name, IReadOnlyList<Query> clauses)
    {
        if (clauses.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var clause in clauses)
        {
            Write(w, clause);
        }

        w.WriteEndArray();
    }

    private static void Bound(Utf8JsonWriter w, string name, FieldValue? value)
    {
        if (value is { } bound)
        {
            w.WritePropertyName(name);
            bound.WriteTo(w);
        }
    }

    private static void Operator(Utf8JsonWriter w, string name, MatchOperator op)
    {
        if (op == MatchOperator.And)
        {
            w.WriteString(name, "and");
        }
    }

    private static void Text(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Whole(Utf8JsonWriter w, string name, int value)
    {
        if (value != 0)
        {
            w.WriteNumber(name, value);
        }
    }

    private static void Boost(Utf8JsonWriter w, Query query)
    {
        if (query.Boost is { } boost)
        {
            w.WriteNumber("boost", boost);
        }
    }
}
