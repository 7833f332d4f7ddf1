using DistKit.Balancing.Composition;
using DistKit.Balancing.Discovery;
using DistKit.Balancing.Grpc;
using DistKit.Core.Composition;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers DistKit's gRPC resolver and policy: <c>services.AddDistKit(configuration).AddBalancing().AddGrpcBalancing()</c>.</summary>
public static class DistKitGrpcServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <c>distkit</c> resolver (over the services of <c>DistKit:Balancing</c> and the
    /// registry) and the <c>distkit</c> load-balancing policy (the default policy of <c>DistKit:Balancing</c>).
    /// A channel made with <c>GrpcChannelOptions.ServiceProvider</c> set to the app's services then
    /// dials <c>distkit:///orders</c>. Needs <c>AddBalancing()</c>.
    /// </summary>
    public static DistKitBuilder AddGrpcBalancing(this DistKitBuilder builder, Action<DistKitGrpcOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ResolverFactory>(services => new DistKitResolverFactory(
            new ConfiguredDiscovery(
                services.GetRequiredService<IOptions<BalancingOptions>>().Value,
                services.GetRequiredService<IServiceRegistry>(),
                services.GetRequiredService<TimeProvider>()),
            services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<LoadBalancerFactory>(services =>
        {
            var balancing = services.GetRequiredService<IOptions<BalancingOptions>>().Value;
            var options = new DistKitGrpcOptions { Policy = balancing.Defaults.Policy, PolicySettings = balancing.Defaults.PolicySettings };
            configure?.Invoke(options);
            return new DistKitLoadBalancerFactory(options);
        });
        return builder;
    }
}
