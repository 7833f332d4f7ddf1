using DistKit.Balancing.Policies;

namespace DistKit.Balancing.Validation;

/// <summary>
/// The chapter's experiment, for every policy: many clients, each new, each making its first pick;
/// how often each endpoint was first. A policy that is fair to clients started together spreads
/// first picks evenly; the naive swap-shuffle and round robin from index 0 do not.
/// </summary>
public static class FirstPickExperiment
{
    private const string NaiveShuffle = "naive-shuffle";
    private const string FisherYates = "fisher-yates";
    private const string RoundRobinFromZero = "round-robin-from-zero";

    /// <summary>The policies the experiment measures, by name: the two shuffles, the mistake, then every policy.</summary>
    public static IReadOnlyList<string> Policies { get; } = [NaiveShuffle, FisherYates, RoundRobinFromZero, .. BalancingPolicies.All];

    /// <summary>Runs <paramref name="trials"/> new clients of <paramref name="policy"/> over <paramref name="endpoints"/> equal endpoints.</summary>
    /// <remarks>
    /// A keyed policy's table does not depend on the client, so it is built once and each new
    /// client's first call carries a random key: what the measurement asks of a keyed policy is
    /// whether random keys spread evenly.
    /// </remarks>
    public static FirstPickResult Run(string policy, int endpoints, int trials, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoints, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        if (!Policies.Contains(policy, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{policy}' is not one of {string.Join(", ", Policies)}", nameof(policy));
        }

        var set = new EndpointSet(Enumerable.Range(0, endpoints).Select(i => new ServiceEndpoint($"endpoint-{i}")));
        var keyed = BalancingPolicies.IsKeyed(policy) ? (IKeyedLoadBalancer)BalancingPolicies.Create(policy, set, random: random) : null;
        var counts = new long[endpoints];
        Span<int> order = stackalloc int[endpoints];
        for (var t = 0; t < trials; t++)
        {
            int first;
            switch (policy)
            {
                case NaiveShuffle or FisherYates:
                    for (var i = 0; i < endpoints; i++)
                    {
                        order[i] = i;
                    }

                    if (policy == NaiveShuffle)
                    {
                        Retry.Shuffles.NaiveSwap(order, random);
                    }
                    else
                    {
                        Retry.Shuffles.FisherYates(order, random);
                    }

                    first = order[0];
                    break;
                case RoundRobinFromZero:
                    first = 0; // what a counter that starts at 0 gives every new client
                    break;
                default:
                    first = keyed?.PickIndex(KeyedLoadBalancers.RandomHash(random)) ?? BalancingPolicies.Create(policy, set, random: random).PickIndex();
                    break;
            }

            counts[first]++;
        }

        var mean = trials / (double)endpoints;
        return new FirstPickResult(policy, counts, counts.Max() / mean, ChiSquare.PValue(counts));
    }
}

/// <summary>How often each endpoint was a new client's first pick.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="FirstPositionCounts">Per endpoint, the clients whose first pick it was.</param>
/// <param name="MaxMeanRatio">The largest count over the mean.</param>
/// <param name="ChiSquareP">The chance of counts this uneven from a fair policy.</param>
public sealed record FirstPickResult(string Policy, IReadOnlyList<long> FirstPositionCounts, double MaxMeanRatio, double ChiSquareP);
