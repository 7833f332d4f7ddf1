namespace DistKit.Search.Composition;

/// <summary>The search capability's settings: the engine at <c>DistKit:Capabilities:Search</c>.</summary>
public sealed class SearchOptions
{
    /// <summary>The capability's name in <c>DistKit:Capabilities</c>.</summary>
    public const string Capability = "search";

    /// <summary>The engine: <c>embedded</c> (Lucene.NET, from <c>AddLucene()</c>). Default <c>embedded</c>.</summary>
    public string Engine { get; set; } = "embedded";
}
