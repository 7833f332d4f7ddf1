namespace DistKit.Cli.Bench;

/// <summary>The figures of one <c>distkit bench config</c> run; the ratio is DistKit's p99 over etcd's.</summary>
internal sealed record ConfigBenchResult(
    string Store,
    int Clients,
    int Releases,
    int ValueBytes,
    double PropagationP50Ms,
    double PropagationP99Ms,
    double PropagationMaxMs,
    double ReceiptP50Ms,
    double ReceiptP99Ms,
    double ReleasesPerSec,
    long Missed,
    double? EtcdWatchP50Ms,
    double? EtcdWatchP99Ms,
    double? EtcdWatchMaxMs,
    double? EtcdPutsPerSec,
    double? P99Ratio,
    int ProcessorCount)
{
    public static ConfigBenchResult From(string store, int clients, int releases, int bytes, PropagationFigures ours, PropagationFigures? etcd) => new(
        Store: store,
        Clients: clients,
        Releases: releases,
        ValueBytes: bytes,
        PropagationP50Ms: Math.Round(ours.AllP50Ms, 2),
        PropagationP99Ms: Math.Round(ours.AllP99Ms, 2),
        PropagationMaxMs: Math.Round(ours.AllMaxMs, 2),
        ReceiptP50Ms: Math.Round(ours.ReceiptP50Ms, 2),
        ReceiptP99Ms: Math.Round(ours.ReceiptP99Ms, 2),
        ReleasesPerSec: Math.Round(ours.PerSec, 1),
        Missed: ours.Missed,
        EtcdWatchP50Ms: etcd is null ? null : Math.Round(etcd.AllP50Ms, 2),
        EtcdWatchP99Ms: etcd is null ? null : Math.Round(etcd.AllP99Ms, 2),
        EtcdWatchMaxMs: etcd is null ? null : Math.Round(etcd.AllMaxMs, 2),
        EtcdPutsPerSec: etcd is null ? null : Math.Round(etcd.PerSec, 1),
        P99Ratio: etcd is { AllP99Ms: > 0 } ? Math.Round(ours.AllP99Ms / etcd.AllP99Ms, 2) : null,
        ProcessorCount: Environment.ProcessorCount);

    public async Task WriteTableAsync(TextWriter output)
    {
        await output.WriteLineAsync($"store {Store}; {Clients} watchers; {Releases} releases of {ValueBytes} bytes, each sent once all had the one before");
        await output.WriteLineAsync($"{"",-34}{"DistKit",12}{(EtcdWatchP99Ms is null ? "" : $"{"etcd",12}")}");
        await RowAsync(output, "to all watchers p50 ms", PropagationP50Ms, EtcdWatchP50Ms);
        await RowAsync(output, "to all watchers p99 ms", PropagationP99Ms, EtcdWatchP99Ms);
        await RowAsync(output, "to all watchers max ms", PropagationMaxMs, EtcdWatchMaxMs);
        await RowAsync(output, "releases/s (closed loop)", ReleasesPerSec, EtcdPutsPerSec);
        await output.WriteLineAsync($"{"one watcher's receipt p50/p99 ms",-34}{$"{ReceiptP50Ms:0.##}/{ReceiptP99Ms:0.##}",12}");
        if (P99Ratio is { } ratio)
        {
            await output.WriteLineAsync($"p99 ratio DistKit/etcd: {ratio:0.00}x");
        }

        if (Missed > 0)
        {
            await output.WriteLineAsync($"MISSED: {Missed} receipts never arrived within 30 s");
        }
    }

    private static async Task RowAsync(TextWriter output, string name, double ours, double? etcd) =>
        await output.WriteLineAsync($"{name,-34}{ours,12:0.##}{(etcd is null ? "" : $"{etcd,12:0.##}")}");
}
