namespace DistKit.Balancing.Validation;

/// <summary>
/// The chapter's experiment, for every policy: many clients, each new, each making its first pick;
/// how often each endpoint was first. A policy that is fair to clients started together spreads
/// first picks evenly; the naive swap-shuffle and round robin from index 0 do not.
/// </summary>
public static class FirstPickExperiment
{
    /// <summary>The policies the experiment measures, by name.</summary>
    public static IReadOnlyList<string> Policies { get; } =
        ["naive-shuffle", "fisher-yates", "round-robin-from-zero", "round-robin", "random", "weighted-random", "smooth-weighted-round-robin", "least-outstanding-p2c"];

    /// <summary>Runs <paramref name="trials"/> new clients of <paramref name="policy"/> over <paramref name="endpoints"/> equal endpoints.</summary>
    public static FirstPickResult Run(string policy, int endpoints, int trials, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(endpoints, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        var set = new EndpointSet(Enumerable.Range(0, endpoints).Select(i => new Endpoint($"endpoint-{i}")));
        var counts = new long[endpoints];
        Span<int> order = stackalloc int[endpoints];
        for (var t = 0; t < trials; t++)
        {
            int first;
            switch (policy)
            {
                case "naive-shuffle" or "fisher-yates":
                    for (var i = 0; i < endpoints; i++)
                    {
                        order[i] = i;
                    }

                    if (policy == "naive-shuffle")
                    {
                        Retry.Shuffles.NaiveSwap(order, random);
                    }
                    else
                    {
                        Retry.Shuffles.FisherYates(order, random);
                    }

                    first = order[0];
                    break;
                case "round-robin-from-zero":
                    first = 0; // what a counter that starts at 0 gives every new client
                    break;
                case "round-robin":
                    first = new Policies.RoundRobinBalancer(set, random).PickIndex();
                    break;
                case "random":
                    first = new Policies.RandomBalancer(set, random).PickIndex();
                    break;
                case "weighted-random":
                    first = new Policies.WeightedRandomBalancer(set, random).PickIndex();
                    break;
                case "smooth-weighted-round-robin":
                    first = new Policies.SmoothWeightedRoundRobinBalancer(set, random).PickIndex();
                    break;
                case "least-outstanding-p2c":
                    first = new Policies.LeastOutstandingBalancer(set, random).PickIndex();
                    break;
                default:
                    throw new ArgumentException($"'{policy}' is not one of {string.Join(", ", Policies)}", nameof(policy));
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
