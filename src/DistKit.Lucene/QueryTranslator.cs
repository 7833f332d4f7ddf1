using System.Globalization;
using DistKit.Search;
using DistKit.Search.Dsl;
using DistKit.Search.Engine;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Index;
using L = Lucene.Net.Search;
using LuceneQuery = Lucene.Net.Search.Query;

namespace DistKit.Lucene;

/// <summary>
/// The Query DSL in Lucene's terms, by the index's mapping: full-text queries analyze their text with
/// the field's analyzer, term-level ones compare exact values of the field's type, and a field the
/// index does not map matches nothing (as in Elasticsearch).
/// </summary>
internal sealed class QueryTranslator(IReadOnlyDictionary<string, FieldMapping> mappings, DateTimeOffset now)
{
    public LuceneQuery Translate(Query query)
    {
        var translated = query switch
        {
            MatchAllQuery => new L.MatchAllDocsQuery(),
            MatchNoneQuery => Nothing(),
            MatchQuery q => Match(q.Field, q.Text.AsText(), q.Operator, q.MinimumShouldMatch, q.Fuzziness, q.Analyzer),
            MatchPhraseQuery q => Phrase(q.Field, q.Text, q.Slop, q.Analyzer),
            MultiMatchQuery q => MultiMatch(q),
            TermQuery q => Term(q.Field, q.Value, q.CaseInsensitive),
            TermsQuery q => Constant(q.Values.Select(v => Term(q.Field, v, caseInsensitive: false))),
            RangeQuery q => Range(q),
            ExistsQuery q => new L.TermQuery(new Term(DocumentMapper.FieldNamesField, q.Field)),
            PrefixQuery q => Prefix(q),
            WildcardQuery q => Wildcard(q),
            IdsQuery q => Constant(q.Values.Select(id => (LuceneQuery)new L.TermQuery(DocumentMapper.IdTerm(id)))),
            BoolQuery q => Bool(q),
            ConstantScoreQuery q => new L.ConstantScoreQuery(Translate(q.Filter)),
            QueryStringQuery q => throw SearchException.IllegalArgument($"[{q.Kind}] is not supported by the embedded engine yet"),
            FunctionScoreQuery => throw SearchException.IllegalArgument("[function_score] is not supported by the embedded engine yet"),
            _ => throw SearchException.IllegalArgument($"[{query.Kind}] is not supported by the embedded engine"),
        };

        if (query.Boost is { } boost)
        {
            translated.Boost = (float)boost;
        }

        return translated;
    }

    private LuceneQuery Match(string field, string text, MatchOperator op, MinimumShouldMatch? minimum, Fuzziness? fuzziness, string? analyzer)
    {
        if (!mappings.TryGetValue(field, out var mapping))
        {
            return Nothing();
        }

        if (mapping.Type != MappingType.Text)
        {
            return Term(field, FieldValue.Of(text), caseInsensitive: false);
        }

        var terms = Analyze(field, text, analyzer ?? mapping.Analyzer).Select(t => t.Term).Distinct(StringComparer.Ordinal).ToList();
        if (terms.Count == 0)
        {
            return Nothing();
        }

        LuceneQuery TermOf(string term) => fuzziness?.EditsFor(term.Length) is > 0 and var edits
            ? new L.FuzzyQuery(new Term(field, term), edits)
            : new L.TermQuery(new Term(field, term));

        if (terms.Count == 1)
        {
            return TermOf(terms[0]);
        }

        var all = new L.BooleanQuery();
        foreach (var term in terms)
        {
            all.Add(TermOf(term), op == MatchOperator.And ? L.Occur.MUST : L.Occur.SHOULD);
        }

        if (op == MatchOperator.Or && minimum is not null)
        {
            all.MinimumNumberShouldMatch = minimum.Resolve(terms.Count);
        }

        return all;
    }

    private LuceneQuery Phrase(string field, string text, int slop, string? analyzer)
    {
        if (!mappings.TryGetValue(field, out var mapping))
        {
            return Nothing();
        }

        if (mapping.Type != MappingType.Text)
        {
            return Term(field, FieldValue.Of(text), caseInsensitive: false);
        }

        var phrase = new L.PhraseQuery { Slop = slop };
        foreach (var (term, position) in Analyze(field, text, analyzer ?? mapping.Analyzer))
        {
            phrase.Add(new Term(field, term), position);
        }

        return phrase.GetTerms().Length == 0 ? Nothing() : phrase;
    }

    private LuceneQuery MultiMatch(MultiMatchQuery q)
    {
        var perField = q.Fields.Select(f =>
        {
            var one = q.Type == MultiMatchType.Phrase
                ? Phrase(f.Field, q.Text, q.Slop, null)
                : Match(f.Field, q.Text, q.Operator, q.MinimumShouldMatch, null, null);
            one.Boost *= (float)f.Boost;
            return one;
        }).ToList();

        if (q.Type == MultiMatchType.MostFields)
        {
            return Any(perField);
        }

        var best = new L.DisjunctionMaxQuery(0);
        foreach (var one in perField)
        {
            best.Add(one);
        }

        return best;
    }

    private LuceneQuery Term(string field, FieldValue value, bool caseInsensitive)
    {
        if (!mappings.TryGetValue(field, out var mapping))
        {
            return Nothing();
        }

        if (caseInsensitive)
        {
            throw SearchException.IllegalArgument("[case_insensitive] is not supported by the embedded engine yet");
        }

        switch (mapping.Type)
        {
            case MappingType.Long or MappingType.Integer:
                var exact = Number(field, value);
                if (exact != Math.Floor(exact))
                {
                    return Nothing(); // no whole number equals 1.5
                }

                var whole = WholeNumber(field, value);
                return L.NumericRangeQuery.NewInt64Range(field, whole, whole, true, true);
            case MappingType.Double:
                var number = Number(field, value);
                return L.NumericRangeQuery.NewDoubleRange(field, number, number, true, true);
            case MappingType.Date:
                var millis = DateValues.Resolve(value.AsText(), now, roundUp: false);
                return L.NumericRangeQuery.NewInt64Range(field, millis, millis, true, true);
            case MappingType.Boolean:
                return new L.TermQuery(new Term(field, value.AsText() is "true" or "false" ? value.AsText() : throw Bad(field, "boolean", value)));
            default:
                return new L.TermQuery(new Term(field, value.AsText()));
        }
    }

    private LuceneQuery Range(RangeQuery q)
    {
        if (!mappings.TryGetValue(q.Field, out var mapping))
        {
            return Nothing();
        }

        if (q.Format is not null || q.TimeZone is not null)
        {
            throw SearchException.IllegalArgument("[range] format and time_zone are not supported by the embedded engine yet (dates are read as ISO 8601, in UTC)");
        }

        var lower = q.Gte ?? q.Gt;
        var upper = q.Lte ?? q.Lt;
        var includeLower = q.Gt is null;
        var includeUpper = q.Lt is null;
        switch (mapping.Type)
        {
            case MappingType.Long or MappingType.Integer:
                // Fractional bounds on whole numbers, as Elasticsearch rounds them: gte 74.5 is gte 75, lte 74.5 is lte 74.
                long? min = lower is { } l ? Bound(q.Field, l, up: true, inclusive: includeLower) : null;
                long? max = upper is { } u ? Bound(q.Field, u, up: false, inclusive: includeUpper) : null;
                return L.NumericRangeQuery.NewInt64Range(q.Field, min, max, true, true);
            case MappingType.Double:
                return L.NumericRangeQuery.NewDoubleRange(q.Field, lower is { } ld ? Number(q.Field, ld) : null, upper is { } ud ? Number(q.Field, ud) : null, includeLower, includeUpper);
            case MappingType.Date:
                // Elasticsearch's rounding: gt and lte round up to the unit's end, gte and lt down.
                long? from = lower is { } df ? DateValues.Resolve(df.AsText(), now, roundUp: q.Gt is not null) : null;
                long? to = upper is { } dt ? DateValues.Resolve(dt.AsText(), now, roundUp: q.Lte is not null) : null;
                return L.NumericRangeQuery.NewInt64Range(q.Field, from, to, includeLower, includeUpper);
            default:
                return L.TermRangeQuery.NewStringRange(q.Field, lower?.AsText(), upper?.AsText(), includeLower, includeUpper);
        }
    }

    private LuceneQuery Prefix(PrefixQuery q)
    {
        if (q.CaseInsensitive)
        {
            throw SearchException.IllegalArgument("[case_insensitive] is not supported by the embedded engine yet");
        }

        return mappings.ContainsKey(q.Field) ? new L.PrefixQuery(new Term(q.Field, q.Value)) : Nothing();
    }

    private LuceneQuery Wildcard(WildcardQuery q)
    {
        if (q.CaseInsensitive)
        {
            throw SearchException.IllegalArgument("[case_insensitive] is not supported by the embedded engine yet");
        }

        return mappings.ContainsKey(q.Field) ? new L.WildcardQuery(new Term(q.Field, q.Pattern)) : Nothing();
    }

    private L.BooleanQuery Bool(BoolQuery q)
    {
        var query = new L.BooleanQuery();
        foreach (var must in q.Must)
        {
            query.Add(Translate(must), L.Occur.MUST);
        }

        // Lucene 4.8 has no scoreless required clause: a constant score of 0 adds nothing to the score.
        foreach (var filter in q.Filter)
        {
            query.Add(new L.ConstantScoreQuery(Translate(filter)) { Boost = 0 }, L.Occur.MUST);
        }

        foreach (var should in q.Should)
        {
            query.Add(Translate(should), L.Occur.SHOULD);
        }

        foreach (var mustNot in q.MustNot)
        {
            query.Add(Translate(mustNot), L.Occur.MUST_NOT);
        }

        var required = q.Must.Count + q.Filter.Count;
        var shoulds = q.Should.Count;
        var minimum = q.MinimumShouldMatch?.Resolve(shoulds) ?? (required == 0 && shoulds > 0 ? 1 : 0);
        query.MinimumNumberShouldMatch = minimum;

        // Only exclusions: Elasticsearch matches everything else; Lucene would match nothing.
        if (required == 0 && shoulds == 0)
        {
            query.Add(new L.MatchAllDocsQuery(), L.Occur.MUST);
        }

        return query;
    }

    private static List<(string Term, int Position)> Analyze(string field, string text, string? analyzer)
    {
        var terms = new List<(string, int)>();
        using var stream = Analyzers.Get(analyzer).GetTokenStream(field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        var increment = stream.AddAttribute<IPositionIncrementAttribute>();
        stream.Reset();
        var position = -1;
        while (stream.IncrementToken())
        {
            position += increment.PositionIncrement;
            terms.Add((term.ToString(), position));
        }

        stream.End();
        return terms;
    }

    private static L.BooleanQuery Any(IEnumerable<LuceneQuery> queries)
    {
        var any = new L.BooleanQuery();
        foreach (var query in queries)
        {
            any.Add(query, L.Occur.SHOULD);
        }

        return any;
    }

    private static L.BooleanQuery Nothing() => new();

    /// <summary>
    /// Any of many exact values, each match scoring the same (as Elasticsearch's terms and ids do):
    /// nested in groups of Lucene's clause limit, so 65,536 values (Elasticsearch's limit) work.
    /// </summary>
    private static L.ConstantScoreQuery Constant(IEnumerable<LuceneQuery> queries)
    {
        const int MaxTerms = 65_536;
        var all = queries.ToList();
        if (all.Count > MaxTerms)
        {
            throw SearchException.IllegalArgument($"The number of terms [{all.Count}] used in the Terms Query request has exceeded the allowed maximum of [{MaxTerms}].");
        }

        var groups = all.Chunk(L.BooleanQuery.MaxClauseCount).Select(chunk => (LuceneQuery)Any(chunk)).ToList();
        return new L.ConstantScoreQuery(groups.Count == 1 ? groups[0] : Any(groups));
    }

    private static long WholeNumber(string field, FieldValue value) =>
        value.Kind == FieldValueKind.WholeNumber || value.Kind == FieldValueKind.Text && long.TryParse(value.AsText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? long.Parse(value.AsText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : value.TryAsDouble(out var d) && d == Math.Floor(d) ? (long)d : throw Bad(field, "long", value);

    // The whole-number bound equal to a possibly fractional one: the lowest included value for a
    // lower bound, the highest for an upper one.
    private static long Bound(string field, FieldValue value, bool up, bool inclusive)
    {
        var number = Number(field, value);
        if (number != Math.Floor(number))
        {
            return (long)(up ? Math.Ceiling(number) : Math.Floor(number));
        }

        var whole = (long)number;
        return inclusive ? whole : up ? whole + 1 : whole - 1;
    }

    private static double Number(string field, FieldValue value) => value.TryAsDouble(out var d) ? d : throw Bad(field, "double", value);

    private static SearchException Bad(string field, string type, FieldValue value) =>
        new("query_shard_exception", $"failed to create query: For input string: \"{value.AsText()}\" (field [{field}] is of type [{type}])", 400);
}
