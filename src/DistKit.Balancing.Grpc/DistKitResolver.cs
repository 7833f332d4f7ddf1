using System.Globalization;
using DistKit.Balancing.Discovery;
using Grpc.Core;
using Grpc.Net.Client.Balancer;

namespace DistKit.Balancing.Grpc;

/// <summary>Pushes each list the discovery gives to the channel; when discovery fails, says so and watches again.</summary>
internal sealed class DistKitResolver(IServiceDiscovery discovery, string service, int defaultPort, TimeProvider time) : Resolver
{
    /// <summary>The attribute that carries an address's DistKit weight to the load balancer.</summary>
    public static readonly BalancerAttributesKey<int> Weight = new("distkit.weight");

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(15);

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
        string host;
        int port;
        if (Uri.TryCreate(endpoint.Address, UriKind.Absolute, out var uri) && uri.Host.Length > 0)
        {
            host = uri.Host;
            port = uri.Port; // an http URL without a port is port 80, as written
        }
        else
        {
            var colon = endpoint.Address.LastIndexOf(':');
            host = colon > 0 ? endpoint.Address[..colon].Trim('[', ']') : endpoint.Address;
            port = colon > 0 ? int.Parse(endpoint.Address.AsSpan(colon + 1), CultureInfo.InvariantCulture) : defaultPort;
        }

        var address = new BalancerAddress(host, port);
        address.Attributes.Set(Weight, endpoint.Weight);
        return address;
    }

    private async Task FollowAsync(Action<ResolverResult> listener, CancellationToken stop)
    {
        await Task.Yield();
        var pause = FirstRetry;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var endpoints in discovery.WatchAsync(service, stop).ConfigureAwait(false))
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
                    if (_disposed)
                    {
                        return;
                    }

                    listener(ResolverResult.ForResult(addresses));
                    pause = FirstRetry;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The channel keeps its subchannels; calls fail only if it had none.
                if (_disposed)
                {
                    return;
                }

                listener(ResolverResult.ForFailure(new Status(StatusCode.Unavailable, $"discovery of '{service}' failed: {e.Message}", e)));
            }

            try
            {
                await Task.Delay(pause, time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pause = pause * 2 > LongestRetry ? LongestRetry : pause * 2;
        }
    }
}
