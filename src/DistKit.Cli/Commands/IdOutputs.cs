namespace DistKit.Cli.Commands;

/// <summary><c>distkit id decode --json</c>: the id as a string, as every 64-bit id in DistKit's JSON.</summary>
internal sealed record DecodedIdOutput(string Id, string Layout, string Time, long Ticks, long Node, long? Datacenter, long? Worker, long Sequence);

/// <summary><c>distkit id layout --json</c>.</summary>
internal sealed record LayoutOutput(
    string Layout,
    double TimeUnitMs,
    int TimeBits,
    int NodeBits,
    int SequenceBits,
    long Nodes,
    double IdsPerSecondPerNode,
    string ExhaustedAt,
    double LifetimeYears,
    string MaxId,
    bool JsSafe);
