using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;

namespace DistKit.Lucene;

/// <summary>Elasticsearch's scoring: BM25 (k1 1.2, b 0.75), for indexing norms and every searcher alike.</summary>
internal static class Scoring
{
    public static readonly BM25Similarity Similarity = new();

    /// <summary>Gives every searcher a refresh opens the same similarity.</summary>
    public sealed class Searchers : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = Similarity };
    }
}
