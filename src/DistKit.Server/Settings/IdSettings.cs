namespace DistKit.Server.Settings;

/// <summary>How the node issues ids (<c>ids</c> in <c>distkit.json</c>).</summary>
public sealed record IdSettings
{
    /// <summary>
    /// A fixed worker (node) id for every layout. Env: <c>DISTKIT_ID_WORKER</c>. Default: none, so
    /// each layout's worker id is picked once and kept in <c>{dataDir}/ids/</c>.
    /// </summary>
    public long? Worker { get; init; }

    /// <summary>
    /// Where segment blocks (<c>/v1/segments</c>) are reserved: <c>embedded</c> (SQLite in the data
    /// directory; one node only) or <c>postgres</c> (shared by every node). Env: <c>DISTKIT_ID_SEGMENTS</c>. Default: <c>embedded</c>.
    /// </summary>
    public string Segments { get; init; } = "embedded";

    /// <summary>What to do when the clock steps back: <c>wait</c>, <c>fail</c> or <c>logical</c>. Env: <c>DISTKIT_ID_CLOCK_POLICY</c>. Default: <c>wait</c>.</summary>
    public string ClockPolicy { get; init; } = "wait";
}
