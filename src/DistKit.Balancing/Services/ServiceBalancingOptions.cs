using DistKit.Balancing.Health;
using DistKit.Balancing.Policies;

namespace DistKit.Balancing.Services;

/// <summary>How one service's calls are spread: the policy, its settings, health and the retry budget.</summary>
public sealed class ServiceBalancingOptions
{
    /// <summary>The policy's name (<see cref="BalancingPolicies"/>). Default <c>least-outstanding</c>: the best choice without latency or key needs.</summary>
    public string Policy { get; set; } = BalancingPolicies.LeastOutstanding;

    /// <summary>The settings of the policies that have any.</summary>
    public PolicySettings PolicySettings { get; set; } = new();

    /// <summary>Passive health: ejection, panic, slow start.</summary>
    public HealthOptions Health { get; set; } = new();

    /// <summary>The retry budget; null: retries bounded only by the endpoint count and the caller's attempt limit.</summary>
    public RetryBudgetOptions? RetryBudget { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (!BalancingPolicies.IsKnown(Policy))
        {
            throw new ArgumentOutOfRangeException(nameof(Policy), Policy, $"not a balancing policy; use one of {string.Join(", ", BalancingPolicies.All)}");
        }

        Health.Validate();
        RetryBudget?.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(PolicySettings.PointsPerEndpoint, 1, "PointsPerEndpoint");
        if (!MaglevBalancer.IsPrime(PolicySettings.MaglevTableSize))
        {
            throw new ArgumentOutOfRangeException("MaglevTableSize", PolicySettings.MaglevTableSize, "must be a prime (65537, 655373)");
        }

        if (!(PolicySettings.BalanceFactor > 0))
        {
            throw new ArgumentOutOfRangeException("BalanceFactor", PolicySettings.BalanceFactor, "must be above 0");
        }
    }
}
