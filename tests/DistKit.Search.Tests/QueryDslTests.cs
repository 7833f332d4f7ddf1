using DistKit.Search.Dsl;

namespace DistKit.Search.Tests;

/// <summary>The Query DSL read from Elasticsearch's JSON, written back, and refused with errors that name the part.</summary>
public sealed class QueryDslTests
{
    [Fact]
    public void Match_ShortAndLongForms()
    {
        var shortForm = Assert.IsType<MatchQuery>(QueryDsl.Parse("""{"match":{"title":"quick fox"}}"""));
        Assert.Equal(("title", "quick fox", MatchOperator.Or), (shortForm.Field, shortForm.Text.AsText(), shortForm.Operator));

        var longForm = Assert.IsType<MatchQuery>(QueryDsl.Parse("""
            {"match":{"title":{"query":"quick fox","operator":"AND","minimum_should_match":"75%","fuzziness":"AUTO","analyzer":"standard","boost":2}}}
            """));
        Assert.Equal(MatchOperator.And, longForm.Operator);
        Assert.Equal(75, longForm.MinimumShouldMatch!.Percent);
        Assert.Null(longForm.Fuzziness!.Edits);
        Assert.Equal("standard", longForm.Analyzer);
        Assert.Equal(2, longForm.Boost);
    }

    [Fact]
    public void TermTermsRangeExistsPrefixWildcardIds()
    {
        var term = Assert.IsType<TermQuery>(QueryDsl.Parse("""{"term":{"status":{"value":"active","case_insensitive":true}}}"""));
        Assert.True(term.CaseInsensitive);
        Assert.Equal(FieldValue.Of(42), Assert.IsType<TermQuery>(QueryDsl.Parse("""{"term":{"age":42}}""")).Value);

        var terms = Assert.IsType<TermsQuery>(QueryDsl.Parse("""{"terms":{"city":["Beijing","上海"],"boost":1.5}}"""));
        Assert.Equal(["Beijing", "上海"], terms.Values.Select(v => v.AsText()));
        Assert.Equal(1.5, terms.Boost);

        var range = Assert.IsType<RangeQuery>(QueryDsl.Parse("""{"range":{"created":{"gte":"now-1d/d","lt":"now/d","time_zone":"+08:00"}}}"""));
        Assert.Equal("now-1d/d", range.Gte!.Value.AsText());
        Assert.Equal("+08:00", range.TimeZone);
        Assert.Null(range.Gt);

        Assert.Equal("email", Assert.IsType<ExistsQuery>(QueryDsl.Parse("""{"exists":{"field":"email"}}""")).Field);
        Assert.Equal("ab", Assert.IsType<PrefixQuery>(QueryDsl.Parse("""{"prefix":{"sku":"ab"}}""")).Value);
        Assert.Equal("k?y*", Assert.IsType<WildcardQuery>(QueryDsl.Parse("""{"wildcard":{"sku":{"wildcard":"k?y*"}}}""")).Pattern);
        Assert.Equal(["1", "7"], Assert.IsType<IdsQuery>(QueryDsl.Parse("""{"ids":{"values":["1",7]}}""")).Values);
    }

    [Fact]
    public void Bool_NestsToAnyDepth_AndTakesOneClauseOrAList()
    {
        var query = Assert.IsType<BoolQuery>(QueryDsl.Parse("""
            {"bool":{
              "must":{"match":{"body":"refund"}},
              "filter":[{"term":{"city":"Beijing"}},{"range":{"amount":{"gt":100}}}],
              "must_not":[{"bool":{"should":[{"term":{"status":"closed"}},{"bool":{"must":{"exists":{"field":"spam"}}}}],"minimum_should_match":1}}],
              "should":[{"match_phrase":{"body":{"query":"late delivery","slop":2}}}],
              "minimum_should_match":"-1"}}
            """));

        Assert.IsType<MatchQuery>(Assert.Single(query.Must));
        Assert.Equal(2, query.Filter.Count);
        var inner = Assert.IsType<BoolQuery>(Assert.Single(query.MustNot));
        Assert.IsType<ExistsQuery>(Assert.Single(Assert.IsType<BoolQuery>(inner.Should[1]).Must));
        Assert.Equal(2, Assert.IsType<MatchPhraseQuery>(Assert.Single(query.Should)).Slop);
        Assert.Equal(-1, query.MinimumShouldMatch!.Count);
    }

    [Fact]
    public void MultiMatchQueryStringConstantAndFunctionScore()
    {
        var multi = Assert.IsType<MultiMatchQuery>(QueryDsl.Parse("""{"multi_match":{"query":"fox","fields":["title^3","body"],"type":"phrase"}}"""));
        Assert.Equal([new BoostedField("title", 3), new BoostedField("body")], multi.Fields);
        Assert.Equal(MultiMatchType.Phrase, multi.Type);

        var text = Assert.IsType<QueryStringQuery>(QueryDsl.Parse("""{"simple_query_string":{"query":"fox -dog","fields":["body"],"default_operator":"and"}}"""));
        Assert.True(text.Simple);
        Assert.Equal("simple_query_string", text.Kind);

        var constant = Assert.IsType<ConstantScoreQuery>(QueryDsl.Parse("""{"constant_score":{"filter":{"term":{"a":1}},"boost":1.2}}"""));
        Assert.IsType<TermQuery>(constant.Filter);

        var function = Assert.IsType<FunctionScoreQuery>(QueryDsl.Parse("""
            {"function_score":{"query":{"match":{"title":"fox"}},"field_value_factor":{"field":"likes","factor":1.2,"modifier":"log1p","missing":1},"boost_mode":"sum"}}
            """));
        Assert.Equal(FieldValueModifier.Log1p, function.FieldValueFactor!.Modifier);
        Assert.Equal(BoostMode.Sum, function.BoostMode);
        Assert.IsType<MatchAllQuery>(Assert.IsType<FunctionScoreQuery>(QueryDsl.Parse("""{"function_score":{"field_value_factor":{"field":"likes"}}}""")).Query);
    }

    [Theory]
    [InlineData("""{"match_all":{}}""")]
    [InlineData("""{"match_none":{"boost":0.5}}""")]
    [InlineData("""{"match":{"title":{"query":"quick","operator":"and","minimum_should_match":"2","fuzziness":"AUTO:2,5","analyzer":"cjk","boost":1.5}}}""")]
    [InlineData("""{"match_phrase":{"title":{"query":"天气很好","slop":1}}}""")]
    [InlineData("""{"multi_match":{"query":"q","fields":["a^2","b"],"type":"most_fields","operator":"and"}}""")]
    [InlineData("""{"term":{"n":{"value":3.25,"case_insensitive":true}}}""")]
    [InlineData("""{"terms":{"n":[1,"two",true]}}""")]
    [InlineData("""{"range":{"d":{"gt":"2024-01-01","lte":"now","format":"yyyy-MM-dd","time_zone":"UTC"}}}""")]
    [InlineData("""{"exists":{"field":"e"}}""")]
    [InlineData("""{"prefix":{"p":{"value":"ab","case_insensitive":true}}}""")]
    [InlineData("""{"wildcard":{"w":{"value":"a*b?"}}}""")]
    [InlineData("""{"ids":{"values":["1","2"]}}""")]
    [InlineData("""{"query_string":{"query":"a:b AND c","default_field":"body","default_operator":"and"}}""")]
    [InlineData("""{"bool":{"must":[{"term":{"a":{"value":1}}}],"should":[{"term":{"b":{"value":2}}}],"must_not":[{"term":{"c":{"value":3}}}],"filter":[{"exists":{"field":"d"}}],"minimum_should_match":"50%","boost":2}}""")]
    [InlineData("""{"constant_score":{"filter":{"term":{"a":{"value":1}}}}}""")]
    [InlineData("""{"function_score":{"query":{"match_all":{}},"field_value_factor":{"field":"f","factor":2,"modifier":"sqrt","missing":1},"boost_mode":"replace"}}""")]
    public void TheLongForm_IsWrittenBackAsItWasRead(string json)
    {
        var written = QueryDsl.Write(QueryDsl.Parse(json));
        Assert.Equal(written, QueryDsl.Write(QueryDsl.Parse(written)));
        Assert.Equal(Normalized(json), Normalized(written));
    }

    [Theory]
    [InlineData("""{"mtach":{"title":"fox"}}""", "[query] unknown query [mtach]")]
    [InlineData("""{"bool":{"must":[{"term":{"a":1}},{"mtach":{"t":"x"}}]}}""", "[query.bool.must[1]] unknown query [mtach]")]
    [InlineData("""{"match":{"title":{"query":"fox","opertor":"and"}}}""", "[query.match.title.opertor] [match] query does not support [opertor]")]
    [InlineData("""{"match":{"title":{"query":"fox","operator":"xor"}}}""", "operator is and or or, found [xor]")]
    [InlineData("""{"match":{"title":"fox","body":"dog"}}""", "[match] takes one field, found [title, body]")]
    [InlineData("""{"match":{"title":{"operator":"and"}}}""", "[match] requires [query]")]
    [InlineData("""{"term":{"a":{"value":[1]}}}""", "[query.term.a.value] takes a string, number or boolean, found an array")]
    [InlineData("""{"terms":{"a":"x"}}""", "[terms] takes an array of values for [a]")]
    [InlineData("""{"range":{"n":{"gte":1,"from":0}}}""", "[range] query does not support [from]")]
    [InlineData("""{"match_phrase":{"t":{"query":"a b","slop":-1}}}""", "takes a whole number from 0 to 1000")]
    [InlineData("""{"bool":{"minimum_should_match":"lots"}}""", "minimum_should_match is a count")]
    [InlineData("""{"function_score":{"functions":[]}}""", "[function_score] query does not support [functions]")]
    [InlineData("""{"match":{"t":{"query":"x","fuzziness":"3"}}}""", "fuzziness is 0, 1, 2, AUTO")]
    [InlineData("""{}""", "a query names its type, found an empty object")]
    [InlineData("""{"term":{"a":1},"match":{"b":2}}""", "a query has one type, found 2: [term, match]")]
    [InlineData("""[]""", "a query is an object, found an array")]
    public void ABadQuery_IsAParsingException_NamingThePart(string json, string reason)
    {
        var error = Assert.Throws<SearchException>(() => QueryDsl.Parse(json));
        Assert.Equal("parsing_exception", error.Type);
        Assert.Equal(400, error.Status);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MalformedJson_IsAnXContentParseException()
    {
        var error = Assert.Throws<SearchException>(() => QueryDsl.Parse("""{"match":{"title":"""));
        Assert.Equal("x_content_parse_exception", error.Type);
        Assert.Equal(400, error.Status);
    }

    [Theory]
    [InlineData("2", 5, 2)]
    [InlineData("9", 5, 9)]
    [InlineData("-1", 5, 4)]
    [InlineData("-9", 5, 0)]
    [InlineData("75%", 3, 2)]
    [InlineData("75%", 4, 3)]
    [InlineData("-25%", 3, 3)]
    [InlineData("-25%", 4, 3)]
    [InlineData("100%", 4, 4)]
    public void MinimumShouldMatch_ResolvesAsElasticsearchDoes(string text, int optional, int required) =>
        Assert.Equal(required, MinimumShouldMatch.TryParse(text)!.Resolve(optional));

    [Theory]
    [InlineData("AUTO", 2, 0)]
    [InlineData("AUTO", 3, 1)]
    [InlineData("AUTO", 5, 1)]
    [InlineData("AUTO", 6, 2)]
    [InlineData("AUTO:4,7", 3, 0)]
    [InlineData("AUTO:4,7", 7, 2)]
    [InlineData("1", 9, 1)]
    public void Fuzziness_GivesEditsByTermLength(string text, int length, int edits) =>
        Assert.Equal(edits, Fuzziness.TryParse(text)!.EditsFor(length));

    private static string Normalized(string json) =>
        System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(json).RootElement);
}
