namespace DistKit.Search.Dsl;

/// <summary>A query of the Query DSL. Each kind is a sealed record; <see cref="QueryDsl"/> reads and writes them as Elasticsearch's JSON.</summary>
public abstract record Query
{
    /// <summary>The score multiplier; null when not given (1).</summary>
    public double? Boost { get; init; }

    /// <summary>The query's name in the DSL (<c>match</c>, <c>bool</c>).</summary>
    public abstract string Kind { get; }
}

/// <summary>How the terms of a <c>match</c> are combined.</summary>
public enum MatchOperator
{
    /// <summary>Any term (the default).</summary>
    Or,

    /// <summary>Every term.</summary>
    And,
}

/// <summary>Every document.</summary>
public sealed record MatchAllQuery : Query
{
    /// <inheritdoc />
    public override string Kind => "match_all";
}

/// <summary>No document.</summary>
public sealed record MatchNoneQuery : Query
{
    /// <inheritdoc />
    public override string Kind => "match_none";
}

/// <summary>Full text: the text is analyzed and its terms searched in the field.</summary>
public sealed record MatchQuery(string Field, FieldValue Text) : Query
{
    /// <inheritdoc />
    public override string Kind => "match";

    /// <summary>Any or every term.</summary>
    public MatchOperator Operator { get; init; }

    /// <summary>How many terms must match when the operator is <c>or</c>.</summary>
    public MinimumShouldMatch? MinimumShouldMatch { get; init; }

    /// <summary>Edits a term may be away from an indexed one.</summary>
    public Fuzziness? Fuzziness { get; init; }

    /// <summary>The analyzer for the text, when not the field's.</summary>
    public string? Analyzer { get; init; }
}

/// <summary>The analyzed terms in order, at most <see cref="Slop"/> moves apart.</summary>
public sealed record MatchPhraseQuery(string Field, string Text) : Query
{
    /// <inheritdoc />
    public override string Kind => "match_phrase";

    /// <summary>Positions the terms may be moved by. Default 0: adjacent.</summary>
    public int Slop { get; init; }

    /// <summary>The analyzer for the text, when not the field's.</summary>
    public string? Analyzer { get; init; }
}

/// <summary>How <c>multi_match</c> combines its fields.</summary>
public enum MultiMatchType
{
    /// <summary>The best field's score (the default).</summary>
    BestFields,

    /// <summary>The sum of the fields' scores.</summary>
    MostFields,

    /// <summary>A phrase in any field, the best one's score.</summary>
    Phrase,
}

/// <summary>A field and its boost (<c>title^3</c>).</summary>
public sealed record BoostedField(string Field, double Boost = 1)
{
    /// <summary>Reads <c>name</c> or <c>name^boost</c>; null when the boost is not a number.</summary>
    public static BoostedField? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var caret = text.LastIndexOf('^');
        if (caret < 0)
        {
            return text.Length == 0 ? null : new BoostedField(text);
        }

        return caret > 0 && double.TryParse(text.AsSpan(caret + 1), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var boost) && boost >= 0
            ? new BoostedField(text[..caret], boost)
            : null;
    }

    /// <inheritdoc />
    public override string ToString() => Boost == 1 ? Field : $"{Field}^{Boost.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>A <c>match</c> over several fields.</summary>
public sealed record MultiMatchQuery(string Text, IReadOnlyList<BoostedField> Fields) : Query
{
    /// <inheritdoc />
    public override string Kind => "multi_match";

    /// <summary>How the fields combine.</summary>
    public MultiMatchType Type { get; init; }

    /// <summary>Any or every term.</summary>
    public MatchOperator Operator { get; init; }

    /// <summary>How many terms must match when the operator is <c>or</c>.</summary>
    public MinimumShouldMatch? MinimumShouldMatch { get; init; }

    /// <summary>For <c>phrase</c>: positions the terms may be moved by.</summary>
    public int Slop { get; init; }
}

/// <summary>An exact term, not analyzed.</summary>
public sealed record TermQuery(string Field, FieldValue Value) : Query
{
    /// <inheritdoc />
    public override string Kind => "term";

    /// <summary>Compare without case.</summary>
    public bool CaseInsensitive { get; init; }
}

/// <summary>Any of several exact terms.</summary>
public sealed record TermsQuery(string Field, IReadOnlyList<FieldValue> Values) : Query
{
    /// <inheritdoc />
    public override string Kind => "terms";
}

/// <summary>Values between bounds: numbers, dates (with date math: <c>now-1d/d</c>) or strings.</summary>
public sealed record RangeQuery(string Field) : Query
{
    /// <inheritdoc />
    public override string Kind => "range";

    /// <summary>Above.</summary>
    public FieldValue? Gt { get; init; }

    /// <summary>At or above.</summary>
    public FieldValue? Gte { get; init; }

    /// <summary>Below.</summary>
    public FieldValue? Lt { get; init; }

    /// <summary>At or below.</summary>
    public FieldValue? Lte { get; init; }

    /// <summary>The date format of the bounds, when not the field's.</summary>
    public string? Format { get; init; }

    /// <summary>The time zone of dates without one, and of date math's rounding.</summary>
    public string? TimeZone { get; init; }
}

/// <summary>Documents that have a value in the field.</summary>
public sealed record ExistsQuery(string Field) : Query
{
    /// <inheritdoc />
    public override string Kind => "exists";
}

/// <summary>Terms that start with a prefix.</summary>
public sealed record PrefixQuery(string Field, string Value) : Query
{
    /// <inheritdoc />
    public override string Kind => "prefix";

    /// <summary>Compare without case.</summary>
    public bool CaseInsensitive { get; init; }
}

/// <summary>Terms matching a pattern of <c>*</c> (any run) and <c>?</c> (one character).</summary>
public sealed record WildcardQuery(string Field, string Pattern) : Query
{
    /// <inheritdoc />
    public override string Kind => "wildcard";

    /// <summary>Compare without case.</summary>
    public bool CaseInsensitive { get; init; }
}

/// <summary>Documents by id.</summary>
public sealed record IdsQuery(IReadOnlyList<string> Values) : Query
{
    /// <inheritdoc />
    public override string Kind => "ids";
}

/// <summary>Lucene's query syntax (<c>title:(quick OR brown) AND status:active</c>); <see cref="Simple"/> for <c>simple_query_string</c>, which never fails on syntax.</summary>
public sealed record QueryStringQuery(string Text) : Query
{
    /// <inheritdoc />
    public override string Kind => Simple ? "simple_query_string" : "query_string";

    /// <summary>The forgiving <c>simple_query_string</c> syntax.</summary>
    public bool Simple { get; init; }

    /// <summary>The fields to search; empty: <see cref="DefaultField"/> or every text field.</summary>
    public IReadOnlyList<BoostedField> Fields { get; init; } = [];

    /// <summary>The field for terms without one.</summary>
    public string? DefaultField { get; init; }

    /// <summary>How terms without an operator combine.</summary>
    public MatchOperator DefaultOperator { get; init; }
}

/// <summary>Queries combined: all of <see cref="Must"/> and <see cref="Filter"/>, none of <see cref="MustNot"/>, and <see cref="Should"/> adding score (or required by <see cref="MinimumShouldMatch"/>).</summary>
public sealed record BoolQuery : Query
{
    /// <inheritdoc />
    public override string Kind => "bool";

    /// <summary>Must match; adds score.</summary>
    public IReadOnlyList<Query> Must { get; init; } = [];

    /// <summary>Should match; adds score.</summary>
    public IReadOnlyList<Query> Should { get; init; } = [];

    /// <summary>Must not match.</summary>
    public IReadOnlyList<Query> MustNot { get; init; } = [];

    /// <summary>Must match; no score.</summary>
    public IReadOnlyList<Query> Filter { get; init; } = [];

    /// <summary>How many <see cref="Should"/> clauses must match; by default 1 when there is no must or filter, else 0.</summary>
    public MinimumShouldMatch? MinimumShouldMatch { get; init; }
}

/// <summary>A filter whose every match scores the boost.</summary>
public sealed record ConstantScoreQuery(Query Filter) : Query
{
    /// <inheritdoc />
    public override string Kind => "constant_score";
}

/// <summary>How <c>field_value_factor</c> transforms the value before it multiplies.</summary>
public enum FieldValueModifier
{
    /// <summary>As it is.</summary>
    None,

    /// <summary>log10(v).</summary>
    Log,

    /// <summary>log10(1 + v).</summary>
    Log1p,

    /// <summary>log10(2 + v).</summary>
    Log2p,

    /// <summary>ln(v).</summary>
    Ln,

    /// <summary>ln(1 + v).</summary>
    Ln1p,

    /// <summary>ln(2 + v).</summary>
    Ln2p,

    /// <summary>v².</summary>
    Square,

    /// <summary>√v.</summary>
    Sqrt,

    /// <summary>1 / v.</summary>
    Reciprocal,
}

/// <summary>A numeric field's value as a score factor: modifier(factor × value), <see cref="Missing"/> where there is none.</summary>
public sealed record FieldValueFactor(string Field)
{
    /// <summary>Multiplies the value first. Default 1.</summary>
    public double Factor { get; init; } = 1;

    /// <summary>The transform.</summary>
    public FieldValueModifier Modifier { get; init; }

    /// <summary>The value for documents without one; null: such documents fail the query.</summary>
    public double? Missing { get; init; }
}

/// <summary>How a function score meets the query's score.</summary>
public enum BoostMode
{
    /// <summary>Multiplied (the default).</summary>
    Multiply,

    /// <summary>The function's score alone.</summary>
    Replace,

    /// <summary>Added.</summary>
    Sum,

    /// <summary>Averaged.</summary>
    Avg,

    /// <summary>The larger.</summary>
    Max,

    /// <summary>The smaller.</summary>
    Min,
}

/// <summary>A query whose scores a function reshapes (here: <see cref="FieldValueFactor"/>).</summary>
public sealed record FunctionScoreQuery(Query Query) : Query
{
    /// <inheritdoc />
    public override string Kind => "function_score";

    /// <summary>The function.</summary>
    public FieldValueFactor? FieldValueFactor { get; init; }

    /// <summary>How its score meets the query's.</summary>
    public BoostMode BoostMode { get; init; }
}
