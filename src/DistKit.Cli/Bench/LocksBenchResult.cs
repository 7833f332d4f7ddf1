namespace DistKit.Cli.Bench;

/// <summary>The figures of one <c>distkit bench locks</c> run; ratios are DistKit over the peer.</summary>
internal sealed record LocksBenchResult(
    string Backend,
    int Clients,
    double HoldMs,
    double DurationS,
    string? Peer,
    double UncontendedPerSec,
    double? PeerUncontendedPerSec,
    double? UncontendedRatio,
    double AcquisitionsPerSec,
    double? PeerAcquisitionsPerSec,
    double? ContendedRatio,
    double FairnessMaxMin,
    double? PeerFairnessMaxMin,
    double WaitP50Ms,
    double WaitP99Ms,
    double WaitMaxMs,
    double? PeerWaitP50Ms,
    double? PeerWaitP99Ms,
    double? PeerWaitMaxMs,
    long[] AcquisitionsPerClient,
    long[]? PeerAcquisitionsPerClient,
    long Violations,
    long? PeerViolations,
    int ProcessorCount)
{
    public static LocksBenchResult From(string backend, int clients, TimeSpan hold, TimeSpan duration, UncontendedFigures alone, ContendedFigures crowd, string? peer, ContendedFigures? peerCrowd) => new(
        Backend: backend,
        Clients: clients,
        HoldMs: hold.TotalMilliseconds,
        DurationS: duration.TotalSeconds,
        Peer: peer,
        UncontendedPerSec: Math.Round(alone.PerSecond[0]),
        PeerUncontendedPerSec: alone.PerSecond.Length > 1 ? Math.Round(alone.PerSecond[1]) : null,
        UncontendedRatio: alone.Ratio is { } ratio ? Math.Round(ratio, 3) : null,
        AcquisitionsPerSec: Math.Round(crowd.AcquisitionsPerSecond, 1),
        PeerAcquisitionsPerSec: peerCrowd is null ? null : Math.Round(peerCrowd.AcquisitionsPerSecond, 1),
        ContendedRatio: peerCrowd is { AcquisitionsPerSecond: > 0 } pc ? Math.Round(crowd.AcquisitionsPerSecond / pc.AcquisitionsPerSecond, 3) : null,
        FairnessMaxMin: Math.Round(crowd.FairnessMaxMin, 3),
        PeerFairnessMaxMin: peerCrowd is null ? null : Math.Round(peerCrowd.FairnessMaxMin, 3),
        WaitP50Ms: Math.Round(crowd.WaitP50Ms, 2),
        WaitP99Ms: Math.Round(crowd.WaitP99Ms, 2),
        WaitMaxMs: Math.Round(crowd.WaitMaxMs, 2),
        PeerWaitP50Ms: peerCrowd is null ? null : Math.Round(peerCrowd.WaitP50Ms, 2),
        PeerWaitP99Ms: peerCrowd is null ? null : Math.Round(peerCrowd.WaitP99Ms, 2),
        PeerWaitMaxMs: peerCrowd is null ? null : Math.Round(peerCrowd.WaitMaxMs, 2),
        AcquisitionsPerClient: crowd.PerClient,
        PeerAcquisitionsPerClient: peerCrowd?.PerClient,
        Violations: crowd.Violations,
        PeerViolations: peerCrowd?.Violations,
        ProcessorCount: Environment.ProcessorCount);

    public async Task WriteTableAsync(TextWriter output)
    {
        static string Or(double? value, string format) => value is { } v ? v.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "-";

        await output.WriteLineAsync($"locks on {Backend}: {Clients} clients, {HoldMs} ms hold, {DurationS} s contended, {ProcessorCount} cores; peer {Peer ?? "none"}");
        await output.WriteLineAsync($"{"",-24}{"distkit",12}{"peer",12}{"ratio",8}");
        await output.WriteLineAsync($"{"uncontended acq+rel/s",-24}{UncontendedPerSec,12:N0}{Or(PeerUncontendedPerSec, "N0"),12}{Or(UncontendedRatio, "F2"),8}");
        await output.WriteLineAsync($"{"contended acq/s",-24}{AcquisitionsPerSec,12:N0}{Or(PeerAcquisitionsPerSec, "N0"),12}{Or(ContendedRatio, "F2"),8}");
        await output.WriteLineAsync($"{"fairness max/min",-24}{FairnessMaxMin,12:F2}{Or(PeerFairnessMaxMin, "F2"),12}");
        await output.WriteLineAsync($"{"wait p50 ms",-24}{WaitP50Ms,12:F2}{Or(PeerWaitP50Ms, "F2"),12}");
        await output.WriteLineAsync($"{"wait p99 ms",-24}{WaitP99Ms,12:F2}{Or(PeerWaitP99Ms, "F2"),12}");
        await output.WriteLineAsync($"{"wait max ms",-24}{WaitMaxMs,12:F2}{Or(PeerWaitMaxMs, "F2"),12}");
        await output.WriteLineAsync($"{"violations",-24}{Violations,12}{Or(PeerViolations, "N0"),12}");
        await output.WriteLineAsync($"{"per client",-24}{string.Join(' ', AcquisitionsPerClient)}");
        if (PeerAcquisitionsPerClient is not null)
        {
            await output.WriteLineAsync($"{"peer per client",-24}{string.Join(' ', PeerAcquisitionsPerClient)}");
        }
    }
}
