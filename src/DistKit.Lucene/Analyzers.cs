using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.Util;
using Lucene.Net.Util;

namespace DistKit.Lucene;

/// <summary>The analyzers by Elasticsearch's names; each is thread-safe and made once.</summary>
internal static class Analyzers
{
    public const LuceneVersion Version = LuceneVersion.LUCENE_48;

    private static readonly Dictionary<string, Analyzer> ByName = new(StringComparer.Ordinal)
    {
        // Elasticsearch's standard analyzer has no stop words; Lucene's does by default.
        ["standard"] = new StandardAnalyzer(Version, CharArraySet.Empty),
        ["whitespace"] = new WhitespaceAnalyzer(Version),
        ["keyword"] = new KeywordAnalyzer(),
        ["simple"] = new SimpleAnalyzer(Version),
        ["cjk"] = new CJKAnalyzer(Version, CharArraySet.Empty),
    };

    public static IReadOnlyCollection<string> Names => ByName.Keys;

    public static Analyzer Get(string? name) =>
        ByName.TryGetValue(name ?? "standard", out var analyzer)
            ? analyzer
            : throw Search.SearchException.IllegalArgument($"failed to find analyzer [{name}] (this engine has {string.Join(", ", ByName.Keys)})");

    public static bool Exists(string name) => ByName.ContainsKey(name);
}
