using DistKit.Balancing.Policies;
using Grpc.Core;
using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;

namespace DistKit.Balancing.Grpc;

/// <summary>Builds a DistKit policy over the ready subchannels each time they change; loads are kept per address across rebuilds.</summary>
internal sealed class DistKitLoadBalancer(IChannelControlHelper controller, ILoggerFactory loggers, DistKitGrpcOptions options)
    : SubchannelsLoadBalancer(controller, loggers)
{
    private readonly Dictionary<string, EndpointLoad> _loads = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels)
    {
        ArgumentNullException.ThrowIfNull(readySubchannels);
        if (readySubchannels.Count == 0)
        {
            return new FailingPicker();
        }

        var endpoints = new List<ServiceEndpoint>(readySubchannels.Count);
        var loads = new List<EndpointLoad>(readySubchannels.Count);
        var subchannels = new List<Subchannel>(readySubchannels.Count);
        lock (_gate)
        {
            foreach (var subchannel in readySubchannels)
            {
                var address = subchannel.CurrentAddress?.EndPoint.ToString() ?? subchannel.ToString();
                if (endpoints.Any(e => e.Address == address))
                {
                    continue;
                }

                var weight = subchannel.CurrentAddress is { } current && current.Attributes.TryGetValue(DistKitResolver.Weight, out var w) ? w : 1;
                if (!_loads.TryGetValue(address, out var load))
                {
                    load = new EndpointLoad();
                    _loads[address] = load;
                }

                endpoints.Add(new ServiceEndpoint(address, Math.Clamp(weight, 1, EndpointSet.MaxWeight)));
                loads.Add(load);
                subchannels.Add(subchannel);
            }

            // Forget addresses no longer ready: a long-lived channel over churning instances stays small.
            foreach (var gone in _loads.Keys.Where(a => !endpoints.Any(e => e.Address == a)).ToList())
            {
                _loads.Remove(gone);
            }
        }

        var set = new EndpointSet(endpoints);
        return new DistKitPicker(BalancingPolicies.Create(options.Policy, set, options.PolicySettings, loads), [.. subchannels], [.. loads], options.KeyHeader);
    }

    private sealed class FailingPicker : SubchannelPicker
    {
        public override PickResult Pick(PickContext context) =>
            PickResult.ForFailure(new Status(StatusCode.Unavailable, "no ready endpoint"));
    }
}

/// <summary>One pick per call: the policy's choice, with a tracker feeding calls in flight and latency back to the loads.</summary>
internal sealed class DistKitPicker(ILoadBalancer policy, Subchannel[] subchannels, EndpointLoad[] loads, string keyHeader) : SubchannelPicker
{
    public override PickResult Pick(PickContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var index = policy is IKeyedLoadBalancer keyed && KeyOf(context) is { } key ? keyed.PickIndex(key) : policy.PickIndex();
        return PickResult.ForSubchannel(subchannels[index], new Tracker(loads[index]));
    }

    private string? KeyOf(PickContext context) =>
        context.Request?.Headers.TryGetValues(keyHeader, out var values) == true ? values.FirstOrDefault() : null;

    private sealed class Tracker(EndpointLoad load) : ISubchannelCallTracker
    {
        private long _startedAt;

        public void Start() => _startedAt = load.Begin();

        public void Complete(CompletionContext context) => load.End(_startedAt, context.Error is null);
    }
}
