using DistKit.Balancing.Discovery;
using Grpc.Core;
using Grpc.Net.Client.Balancer;

namespace DistKit.Balancing.Grpc;

/// <summary>Pushes each list the discovery gives to the channel; when discovery fails, says so and watches again.</summary>
internal sealed class DistKitResolver(IServiceDiscovery discovery, string service, int defaultPort, TimeProvider time) : Resolver
{
    /// <summary>The attribute that carries an address's DistKit weight to the load balancer.</summary>
    public static readonly BalancerAttributesKey<int> Weight = new("distkit.weight");

    private readonly CancellationTokenSource _stop = new();
    private Task _follow = Task.CompletedTask;
    private volatile bool _disposed;

    public override void Start(Action<ResolverResult> listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _follow = FollowAsync(listener, _stop.Token);
    }

    // Discovery pushes changes; there is nothing to poll.
    public override void Refresh()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            _stop.Cancel();
            _stop.Dispose();
        }

        base.Dispose(disposing);
    }

    internal static BalancerAddress AddressOf(ServiceEndpoint endpoint, int defaultPort)
    {
        if (!EndpointAddress.TryParse(endpoint.Address, out var parsed))
        {
            throw new FormatException($"endpoint address '{endpoint.Address}' is neither an http(s) URL nor host:port");
        }

        // An http URL without a port is port 80, as written; a bare host takes the channel's default.
        var (host, port) = (parsed.Host, parsed.Port < 0 ? defaultPort : parsed.Port);
        var address = new BalancerAddress(host, port);
        address.Attributes.Set(Weight, endpoint.Weight);
        return address;
    }

    private Task FollowAsync(Action<ResolverResult> listener, CancellationToken stop) =>
        DiscoveryFollower.FollowAsync(
            discovery,
            service,
            endpoints =>
            {
                var addresses = new List<BalancerAddress>(endpoints.Count);
                foreach (var endpoint in endpoints)
                {
                    try
                    {
                        addresses.Add(AddressOf(endpoint, defaultPort));
                    }
                    catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                    {
                        // An address gRPC cannot dial is left out, not the whole list.
                    }
                }

                // The channel may have disposed us while discovery was answering.
                if (!_disposed)
                {
                    listener(ResolverResult.ForResult(addresses));
                }
            },
            e =>
            {
                // The channel keeps its subchannels; calls fail only if it had none.
                if (!_disposed)
                {
                    listener(ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"discovery of '{service}' failed: {e.Message}", e)));
                }
            },
            time,
            stop);
}
