using DistKit.Balancing.Policies;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistKit.Balancing.Tests;

/// <summary>The keyed policies against what they promise: stable keys, few moves, weights, bounds.</summary>
public sealed class KeyedPolicyPropertyTests
{
    private static readonly string[] Keyed = [BalancingPolicies.RingHash, BalancingPolicies.Maglev, BalancingPolicies.Jump, BalancingPolicies.Rendezvous, BalancingPolicies.BoundedLoad];

    private static readonly Gen<EndpointSet> Sets =
        from n in Gen.Choose(1, 30)
        from weights in Gen.ArrayOf(Gen.Choose(1, 20), n)
        from tag in Gen.Choose(0, 1_000_000)
        select new EndpointSet(weights.Select((w, i) => new ServiceEndpoint($"10.{tag % 250}.{i / 250}.{i % 250}:80", w)));

    private static readonly Gen<(EndpointSet Set, string Policy, ulong[] Keys)> Runs =
        from set in Sets
        from policy in Gen.Elements(Keyed)
        from keys in Gen.ArrayOf(ArbMap.Default.GeneratorFor<ulong>(), 200)
        select (set, policy, keys);

    private static PolicySettings Small => new() { PointsPerEndpoint = 40, MaglevTableSize = 4099 };

    [Property(MaxTest = 150)]
    public Property EveryKeyedPolicy_SendsAKeyToTheSameEndpoint_InEveryInstanceBuiltFromTheSameSet() =>
        Prop.ForAll(Runs.ToArbitrary(), run =>
        {
            var a = (IKeyedLoadBalancer)BalancingPolicies.Create(run.Policy, run.Set, Small, random: new Random(1));
            var b = (IKeyedLoadBalancer)BalancingPolicies.Create(run.Policy, new EndpointSet(run.Set.Endpoints), Small, random: new Random(2));
            foreach (var key in run.Keys)
            {
                var first = a.PickIndex(key);
                Assert.Equal(first, a.PickIndex(key));
                Assert.Equal(first, b.PickIndex(key));
            }
        });

    // A ring scales points by the mean weight, so only with equal weights is the move exact.
    [Property(MaxTest = 150)]
    public Property RingWithEqualWeights_AndRendezvous_RemovingAnEndpoint_MovesOnlyItsOwnKeys() =>
        Prop.ForAll(Runs.Where(r => r.Set.Count >= 2 && r.Policy is BalancingPolicies.RingHash or BalancingPolicies.Rendezvous).ToArbitrary(), run =>
        {
            if (run.Policy == BalancingPolicies.RingHash)
            {
                run.Set = new EndpointSet(run.Set.Endpoints.Select(e => e with { Weight = 1 }));
            }

            var before = (IKeyedLoadBalancer)BalancingPolicies.Create(run.Policy, run.Set, Small);
            var removed = (int)(run.Keys[0] % (ulong)run.Set.Count);
            var after = (IKeyedLoadBalancer)BalancingPolicies.Create(run.Policy, new EndpointSet(run.Set.Endpoints.Where((_, i) => i != removed)), Small);
            foreach (var key in run.Keys)
            {
                var was = before.Pick(key);
                if (was.Address != run.Set[removed].Address)
                {
                    Assert.Equal(was.Address, after.Pick(key).Address);
                }
            }
        });

    [Property(MaxTest = 150)]
    public Property Jump_RemovingTheLastEndpoint_MovesOnlyItsKeys() =>
        Prop.ForAll(Runs.Where(r => r.Set.Count >= 2).ToArbitrary(), run =>
        {
            var n = run.Set.Count;
            foreach (var key in run.Keys)
            {
                var was = JumpHashBalancer.Bucket(key, n);
                if (was != n - 1)
                {
                    Assert.Equal(was, JumpHashBalancer.Bucket(key, n - 1));
                }
            }
        });

    [Property(MaxTest = 100)]
    public Property Maglev_GivesEveryEqualEndpointItsShareOfTheTable_ToWithinOneSlot() =>
        Prop.ForAll(Gen.Choose(1, 60).ToArbitrary(), n =>
        {
            var set = new EndpointSet(Enumerable.Range(0, n).Select(i => new ServiceEndpoint($"maglev-{i}")));
            var counts = new MaglevBalancer(set, 6007).SlotCounts();
            Assert.True(counts.Max() - counts.Min() <= 1, $"slots per endpoint range {counts.Min()}..{counts.Max()}");
        });

    [Fact]
    public void Maglev_WithATableOfMoreThan100SlotsPerEndpoint_KeepsEveryShareWithin1PercentOfTheMean()
    {
        var set = new EndpointSet(Enumerable.Range(0, 500).Select(i => new ServiceEndpoint($"10.1.{i / 250}.{i % 250}:443")));
        var counts = new MaglevBalancer(set).SlotCounts();
        var mean = counts.Average();
        Assert.All(counts, c => Assert.InRange(c, mean * 0.99, mean * 1.01));
    }

    [Fact]
    public void Maglev_FollowsWeights()
    {
        var set = new EndpointSet([new ServiceEndpoint("a", 1), new ServiceEndpoint("b", 2), new ServiceEndpoint("c", 5)]);
        var counts = new MaglevBalancer(set, 65537).SlotCounts();
        Assert.InRange(counts[1] / (double)counts[0], 1.98, 2.02);
        Assert.InRange(counts[2] / (double)counts[0], 4.95, 5.05);
    }

    [Fact]
    public void Maglev_RefusesATableSizeThatIsNotPrime() =>
        Assert.Throws<ArgumentException>(() => new MaglevBalancer(new EndpointSet([new ServiceEndpoint("a")]), 65536));

    [Fact]
    public void RendezvousAndRing_FollowWeights_OverManyKeys()
    {
        var set = new EndpointSet([new ServiceEndpoint("a", 1), new ServiceEndpoint("b", 3)]);
        foreach (var policy in new IKeyedLoadBalancer[] { new RendezvousBalancer(set), new RingHashBalancer(set, 4000) })
        {
            var counts = new int[2];
            for (var i = 0; i < 200_000; i++)
            {
                counts[policy.PickIndex($"key-{i}")]++;
            }

            // Rendezvous is exact in expectation; a ring's share wanders by about 1/√points.
            Assert.InRange(counts[1] / (double)counts[0], 2.7, 3.3);
        }
    }

    [Property(MaxTest = 100)]
    public Property BoundedLoad_NeverPutsAnEndpointAboveItsBound() =>
        Prop.ForAll(Runs.ToArbitrary(), run =>
        {
            const double epsilon = 0.25;
            var balancer = new BoundedLoadBalancer(run.Set, epsilon, 40);
            var calls = new List<OutstandingCall>();
            foreach (var key in run.Keys)
            {
                var index = balancer.PickIndex(key);
                var total = calls.Count;
                var bound = BoundedLoadBalancer.Bound(1 + epsilon, total + 1, run.Set[index].Weight, run.Set.TotalWeight);
                Assert.True(balancer.LoadOf(index).Outstanding + 1 <= bound, $"endpoint {index} would carry {balancer.LoadOf(index).Outstanding + 1} > {bound}");
                calls.Add(balancer.StartOn(index));
            }

            calls.ForEach(c => c.Dispose());
        });

    [Fact]
    public void KeyHash_IsXxHash64OfUtf8_SoEveryProcessAgrees()
    {
        Assert.Equal(KeyHash.Of("user-42"u8), KeyHash.Of("user-42"));
        Assert.Equal(KeyHash.Of(System.Text.Encoding.UTF8.GetBytes(new string('é', 400))), KeyHash.Of(new string('é', 400)));
        Assert.Equal(0xEF46DB3751D8E999UL, KeyHash.Of(""));
    }
}
