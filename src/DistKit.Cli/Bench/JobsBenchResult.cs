namespace DistKit.Cli.Bench;

/// <summary>The figures of one <c>distkit bench jobs</c> run; ratios are DistKit over the peer.</summary>
internal sealed record JobsBenchResult(
    string Store,
    int Jobs,
    double RatePerSec,
    double LeadMs,
    string? Peer,
    string? PeerStore,
    double SchedulePerSec,
    double FirePerSec,
    double LatenessP50Ms,
    double LatenessP99Ms,
    double LatenessMaxMs,
    long Lost,
    long Duplicates,
    double? PeerSchedulePerSec,
    double? PeerFirePerSec,
    double? PeerLatenessP50Ms,
    double? PeerLatenessP99Ms,
    double? PeerLatenessMaxMs,
    long? PeerLost,
    long? PeerDuplicates,
    double? ScheduleRatio,
    double? FireRatio,
    int ProcessorCount)
{
    public static JobsBenchResult From(string store, int jobs, double rate, TimeSpan lead, JobsFigures ours, string? peer, string? peerStore, JobsFigures? theirs) => new(
        Store: store,
        Jobs: jobs,
        RatePerSec: rate,
        LeadMs: lead.TotalMilliseconds,
        Peer: peer,
        PeerStore: peer is null ? null : peerStore,
        SchedulePerSec: Math.Round(ours.SchedulePerSec, 1),
        FirePerSec: Math.Round(ours.FirePerSec, 1),
        LatenessP50Ms: Math.Round(ours.LatenessP50Ms, 2),
        LatenessP99Ms: Math.Round(ours.LatenessP99Ms, 2),
        LatenessMaxMs: Math.Round(ours.LatenessMaxMs, 2),
        Lost: ours.Lost,
        Duplicates: ours.Duplicates,
        PeerSchedulePerSec: theirs is null ? null : Math.Round(theirs.SchedulePerSec, 1),
        PeerFirePerSec: theirs is null ? null : Math.Round(theirs.FirePerSec, 1),
        PeerLatenessP50Ms: theirs is null ? null : Math.Round(theirs.LatenessP50Ms, 2),
        PeerLatenessP99Ms: theirs is null ? null : Math.Round(theirs.LatenessP99Ms, 2),
        PeerLatenessMaxMs: theirs is null ? null : Math.Round(theirs.LatenessMaxMs, 2),
        PeerLost: theirs?.Lost,
        PeerDuplicates: theirs?.Duplicates,
        ScheduleRatio: theirs is { SchedulePerSec: > 0 } ? Math.Round(ours.SchedulePerSec / theirs.SchedulePerSec, 2) : null,
        FireRatio: theirs is { FirePerSec: > 0 } ? Math.Round(ours.FirePerSec / theirs.FirePerSec, 2) : null,
        ProcessorCount: Environment.ProcessorCount);

    public async Task WriteTableAsync(TextWriter output)
    {
        await output.WriteLineAsync($"store {Store}, {Jobs} jobs a phase; steady phase at {RatePerSec:0}/s, each due {LeadMs:0} ms after it is scheduled");
        await output.WriteLineAsync($"{"",-26}{"DistKit",14}{(Peer is null ? "" : $"{Peer,14}{"ratio",10}")}");
        await RowAsync(output, "scheduled/s", SchedulePerSec, PeerSchedulePerSec, ScheduleRatio);
        await RowAsync(output, "fired/s (all due at once)", FirePerSec, PeerFirePerSec, FireRatio);
        await RowAsync(output, "lateness p50 ms (steady)", LatenessP50Ms, PeerLatenessP50Ms, null);
        await RowAsync(output, "lateness p99 ms (steady)", LatenessP99Ms, PeerLatenessP99Ms, null);
        await RowAsync(output, "lateness max ms (steady)", LatenessMaxMs, PeerLatenessMaxMs, null);
        await RowAsync(output, "lost", Lost, PeerLost, null);
        await RowAsync(output, "duplicates", Duplicates, PeerDuplicates, null);
    }

    private async Task RowAsync(TextWriter output, string name, double ours, double? theirs, double? ratio) =>
        await output.WriteLineAsync($"{name,-26}{ours,14:0.##}{(Peer is null ? "" : $"{theirs,14:0.##}{(ratio is null ? "" : $"{ratio:0.00}x"),10}")}");
}

/// <summary>What one library did in both phases.</summary>
internal sealed record JobsFigures(double SchedulePerSec, double FirePerSec, double LatenessP50Ms, double LatenessP99Ms, double LatenessMaxMs, long Lost, long Duplicates);
