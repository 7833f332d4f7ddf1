using DistKit.Search.Engine;
using Lucene.Net.Analysis;

namespace DistKit.Lucene;

/// <summary>
/// The analyzer Lucene indexes a document with: for each text field the one its mapping names.
/// One per index, reading the index's current mappings (they only grow); Lucene reuses its token
/// streams per field and thread.
/// </summary>
internal sealed class MappingAnalyzer(Func<IReadOnlyDictionary<string, FieldMapping>> mappings) : AnalyzerWrapper(PER_FIELD_REUSE_STRATEGY)
{
    // Elasticsearch's position_increment_gap: the values of an array never form a phrase together.
    public override int GetPositionIncrementGap(string fieldName) => 100;

    protected override Analyzer GetWrappedAnalyzer(string fieldName) =>
        Analyzers.Get(mappings().TryGetValue(fieldName, out var mapping) ? mapping.Analyzer : null);
}
