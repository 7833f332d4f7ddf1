using BenchmarkDotNet.Attributes;
using DistKit.Balancing;
using DistKit.Balancing.Policies;

namespace DistKit.Benchmarks;

/// <summary>The cost of one pick per policy over 10 and 1,000 endpoints, and what it allocates (the target: nothing).</summary>
[MemoryDiagnoser]
public class BalancerPickBenchmarks
{
    private ILoadBalancer _balancer = null!;
    private IKeyedLoadBalancer? _keyed;
    private ulong _key;

    [Params(10, 1000)]
    public int Endpoints { get; set; }

    [ParamsSource(nameof(AllPolicies))]
    public string Policy { get; set; } = BalancingPolicies.RoundRobin;

    public static IEnumerable<string> AllPolicies => BalancingPolicies.All;

    [GlobalSetup]
    public void Setup()
    {
        // Weights 1 to 5, so weighted policies do weighted work; Maglev's table must hold them all.
        var set = new EndpointSet(Enumerable.Range(0, Endpoints).Select(i => new ServiceEndpoint($"10.0.{i / 250}.{i % 250}:8080", 1 + (i % 5))));
        _balancer = BalancingPolicies.Create(Policy, set);
        _keyed = _balancer as IKeyedLoadBalancer;
        _key = 0x9E3779B97F4A7C15UL;
    }

    [Benchmark(Description = "pick")]
    public int Pick() => _balancer.PickIndex();

    [Benchmark(Description = "pick by key")]
    public int PickByKey()
    {
        // A new key each call, so keyed lookups do not hit one cache line.
        _key = (_key * 6364136223846793005UL) + 1442695040888963407UL;
        return _keyed?.PickIndex(_key) ?? _balancer.PickIndex();
    }
}
