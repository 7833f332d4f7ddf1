using DistKit.Balancing.Policies;
using Grpc.Net.Client.Balancer;

namespace DistKit.Balancing.Grpc;

/// <summary>
/// The <c>distkit</c> load-balancing policy for Grpc.Net.Client: every ready subchannel is an
/// endpoint of a DistKit policy, so a channel gets least outstanding, peak EWMA or a keyed policy.
/// Name it in the channel's service config: <c>LoadBalancingConfigs = { new LoadBalancingConfig("distkit") }</c>.
/// </summary>
public sealed class DistKitLoadBalancerFactory : LoadBalancerFactory
{
    /// <summary>The policy name in the service config: <c>distkit</c>.</summary>
    public const string PolicyName = "distkit";

    private readonly DistKitGrpcOptions _options;

    /// <summary>A factory picking by <paramref name="options"/> (default: least outstanding).</summary>
    public DistKitLoadBalancerFactory(DistKitGrpcOptions? options = null)
    {
        _options = options ?? new DistKitGrpcOptions();
        if (!BalancingPolicies.IsKnown(_options.Policy))
        {
            throw new ArgumentException($"'{_options.Policy}' is not a balancing policy; use one of {string.Join(", ", BalancingPolicies.All)}", nameof(options));
        }
    }

    /// <inheritdoc />
    public override string Name => PolicyName;

    /// <inheritdoc />
    public override LoadBalancer Create(LoadBalancerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DistKitLoadBalancer(options.Controller, options.LoggerFactory, _options);
    }
}

/// <summary>How the <c>distkit</c> gRPC policy picks.</summary>
public sealed class DistKitGrpcOptions
{
    /// <summary>The DistKit policy (<see cref="BalancingPolicies"/>). Default <c>least-outstanding</c>.</summary>
    public string Policy { get; set; } = BalancingPolicies.LeastOutstanding;

    /// <summary>Settings of the policies that have any.</summary>
    public PolicySettings PolicySettings { get; set; } = new();

    /// <summary>The request header (gRPC metadata) whose value is a keyed policy's key. Default <c>x-distkit-key</c>.</summary>
    public string KeyHeader { get; set; } = "x-distkit-key";
}
