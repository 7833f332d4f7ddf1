using DistKit.Balancing.Policies;
using DistKit.Balancing.Retry;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistKit.Balancing.Tests;

/// <summary>Each policy against what it promises, over generated endpoint sets and seeds.</summary>
public sealed class PolicyPropertyTests
{
    private static readonly Gen<EndpointSet> Sets =
        from n in Gen.Choose(1, 40)
        from weights in Gen.ArrayOf(Gen.Choose(1, 50), n)
        select new EndpointSet(weights.Select((w, i) => new ServiceEndpoint($"e{i}", w)));

    private static readonly Gen<(EndpointSet Set, int Seed)> SetsAndSeeds =
        from set in Sets
        from seed in Gen.Choose(0, int.MaxValue)
        select (set, seed);

    [Property(MaxTest = 300)]
    public Property SmoothWeightedRoundRobin_GivesEveryEndpointExactlyItsWeightPerCycle_WhereverItStarts() =>
        Prop.ForAll(SetsAndSeeds.ToArbitrary(), run =>
        {
            var balancer = new SmoothWeightedRoundRobinBalancer(run.Set, new Random(run.Seed));
            var counts = new long[run.Set.Count];
            for (var i = 0; i < run.Set.TotalWeight; i++)
            {
                counts[balancer.PickIndex()]++;
            }

            Assert.Equal(run.Set.Endpoints.Select(e => (long)e.Weight), counts);
        });

    [Property(MaxTest = 300)]
    public Property WeightedRandom_TableGivesEachEndpointWeightOverTotal() =>
        Prop.ForAll(Sets.ToArbitrary(), set =>
        {
            var probabilities = new WeightedRandomBalancer(set, new Random(1)).Probabilities();
            for (var i = 0; i < set.Count; i++)
            {
                Assert.Equal((double)set[i].Weight / set.TotalWeight, probabilities[i], 12);
            }
        });

    [Property(MaxTest = 300)]
    public Property RoundRobin_AnyRunOfNPicksCoversEveryEndpointOnce() =>
        Prop.ForAll(SetsAndSeeds.ToArbitrary(), run =>
        {
            var balancer = new RoundRobinBalancer(run.Set, new Random(run.Seed));
            var skip = run.Seed % 17;
            for (var i = 0; i < skip; i++)
            {
                balancer.PickIndex();
            }

            Assert.Equal(Enumerable.Range(0, run.Set.Count), Enumerable.Range(0, run.Set.Count).Select(_ => balancer.PickIndex()).Order());
        });

    [Property(MaxTest = 300)]
    public Property RetryPlan_TriesEveryEndpointOnce_NeverOneTwiceBeforeAllAreTried() =>
        Prop.ForAll(SetsAndSeeds.ToArbitrary(), run =>
            Assert.Equal(Enumerable.Range(0, run.Set.Count), RetryPlan.Create(run.Set, new Random(run.Seed)).Order()));

    [Property(MaxTest = 300)]
    public Property LeastOutstanding_NeverPicksTheOneBusiestEndpoint_AndCountsEveryCallOut() =>
        Prop.ForAll(SetsAndSeeds.Where(r => r.Set.Count >= 2).ToArbitrary(), run =>
        {
            var balancer = new LeastOutstandingBalancer(run.Set, new Random(run.Seed));
            var busy = run.Seed % run.Set.Count;
            var calls = Enumerable.Range(0, run.Set.Count).Select(balancer.StartOn).ToList();
            calls.Add(balancer.StartOn(busy));

            // Of any two distinct endpoints one is less busy than the busiest: it is never chosen.
            for (var i = 0; i < 500; i++)
            {
                Assert.NotEqual(busy, balancer.PickIndex());
            }

            calls.ForEach(c => c.Dispose());
            Assert.All(Enumerable.Range(0, run.Set.Count), e => Assert.Equal(0, balancer.Outstanding(e)));
        });
}
