namespace DistKit.Core.Composition;

/// <summary>Settings every capability shares (the top of the DistKit section).</summary>
public sealed class DistKitOptions
{
    /// <summary>
    /// Where embedded engines keep their files (worker ids, time marks, SQLite stores), relative to
    /// the working directory. Key: <c>DistKit:DataDir</c>. Default: <c>./data</c>, as the node's.
    /// </summary>
    public string DataDir { get; set; } = "./data";
}
