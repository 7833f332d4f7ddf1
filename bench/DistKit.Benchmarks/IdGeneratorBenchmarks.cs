using BenchmarkDotNet.Attributes;
using DistKit.Ids;

namespace DistKit.Benchmarks;

/// <summary>
/// The cost of one id without the per-tick cap: a layout with 22 sequence bits never runs out
/// within a millisecond here, so these figures are the generator's own cost, not the cap's.
/// </summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the instance's lifetime; GlobalCleanup disposes the generator.
public class IdGeneratorBenchmarks
{
    private static readonly IdLayout Uncapped = new("uncapped", new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(1), 41, 0, 0, 22);
    private readonly long[] _batch = new long[1000];
    private SnowflakeIdGenerator _generator = null!;

    [GlobalSetup]
    public void Setup() => _generator = new SnowflakeIdGenerator(IdGeneratorOptions.Default with { Layout = Uncapped });

    [GlobalCleanup]
    public void Cleanup() => _generator.Dispose();

    [Benchmark(Baseline = true, Description = "clock read alone (TimeProvider.System.GetUtcNow)")]
    public long ClockRead() => TimeProvider.System.GetUtcNow().UtcTicks;

    [Benchmark(Description = "NextId")]
    public long NextId() => _generator.NextId();

    [Benchmark(Description = "NextIds, 1,000 per call", OperationsPerInvoke = 1000)]
    public void NextIdsBatch() => _generator.NextIds(_batch);
}
#pragma warning restore CA1001
