using DistKit.Balancing.Policies;

namespace DistKit.Balancing.Simulation;

/// <summary>What a keyed policy does with many keys: how evenly they spread, and how many move when an endpoint is removed or added.</summary>
public static class KeyMovement
{
    /// <summary>Measures <paramref name="policy"/> over <paramref name="endpoints"/> equal endpoints and <paramref name="keys"/> keys.</summary>
    public static KeyedResult Run(string policy, int endpoints, int keys)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoints, 3);
        var all = Enumerable.Range(0, endpoints).Select(i => new ServiceEndpoint($"10.0.{i / 250}.{i % 250}:8080")).ToList();
        var hashes = Enumerable.Range(0, keys).Select(k => KeyHash.Of($"key-{k}")).ToArray();

        var before = Assign(policy, all, hashes);
        var spread = Spread(before, endpoints);

        // A middle endpoint goes (for jump, whose buckets are numbered, the last one: see its docs).
        var removedIndex = policy == BalancingPolicies.Jump ? endpoints - 1 : endpoints / 2;
        var removed = all.Where((_, i) => i != removedIndex).ToList();
        var afterRemoval = Assign(policy, removed, hashes);
        var added = all.Append(new ServiceEndpoint($"10.9.9.9:8080")).ToList();
        var afterAddition = Assign(policy, added, hashes);

        return new KeyedResult(
            policy,
            spread,
            Moved(before, afterRemoval),
            Moved(before, afterAddition),
            1.0 / endpoints,
            1.0 / (endpoints + 1));
    }

    /// <summary>The largest share of a Maglev table any of <paramref name="endpoints"/> equal endpoints holds, over the mean share.</summary>
    public static double MaglevTableSpread(int endpoints, int tableSize = MaglevBalancer.DefaultTableSize)
    {
        var set = new EndpointSet(Enumerable.Range(0, endpoints).Select(i => new ServiceEndpoint($"10.0.{i / 250}.{i % 250}:8080")));
        var slots = new MaglevBalancer(set, tableSize).SlotCounts();
        return slots.Max() / (tableSize / (double)endpoints);
    }

    // Keys are assigned one by one and stay (a cache's entries): bounded load sees the keys it already placed as its load.
    private static string[] Assign(string policy, List<ServiceEndpoint> endpoints, ulong[] hashes)
    {
        var set = new EndpointSet(endpoints);
        var balancer = (IKeyedLoadBalancer)BalancingPolicies.Create(policy, set);
        var owners = new string[hashes.Length];
        var held = new List<OutstandingCall>();
        for (var k = 0; k < hashes.Length; k++)
        {
            var index = balancer.PickIndex(hashes[k]);
            owners[k] = set[index].Address;
            if (balancer is ILoadAwareBalancer loads)
            {
                held.Add(loads.StartOn(index));
            }
        }

        held.ForEach(c => c.Dispose());
        return owners;
    }

    private static double Spread(string[] owners, int endpoints)
    {
        var counts = owners.GroupBy(o => o, StringComparer.Ordinal).Select(g => g.Count()).ToList();
        return counts.Max() / (owners.Length / (double)endpoints);
    }

    private static double Moved(string[] before, string[] after) =>
        before.Where((owner, k) => owner != after[k]).Count() / (double)before.Length;
}

/// <summary>A keyed policy's spread and movement.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="MaxMeanKeys">The most keys on one endpoint over the mean.</param>
/// <param name="MovedOnRemove">Share of keys that moved when one endpoint was removed.</param>
/// <param name="MovedOnAdd">Share of keys that moved when one endpoint was added.</param>
/// <param name="IdealOnRemove">The least that can move on removal: 1/n.</param>
/// <param name="IdealOnAdd">The least that can move on addition: 1/(n+1).</param>
public sealed record KeyedResult(string Policy, double MaxMeanKeys, double MovedOnRemove, double MovedOnAdd, double IdealOnRemove, double IdealOnAdd);
