namespace DistKit.Server.Settings;

/// <summary>How the node issues ids (<c>ids</c> in <c>distkit.json</c>).</summary>
public sealed record IdSettings
{
    /// <summary>
    /// A fixed worker (node) id for every layout. Env: <c>DISTKIT_ID_WORKER</c>. Default: none, so
    /// each layout's worker id is picked once and kept in <c>{dataDir}/ids/</c>.
    /// </summary>
    public long? Worker { get; init; }

    /// <summary>What to do when the clock steps back: <c>wait</c>, <c>fail</c> or <c>logical</c>. Env: <c>DISTKIT_ID_CLOCK_POLICY</c>. Default: <c>wait</c>.</summary>
    public string ClockPolicy { get; init; } = "wait";
}
