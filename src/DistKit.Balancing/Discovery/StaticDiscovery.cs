using System.Runtime.CompilerServices;

namespace DistKit.Balancing.Discovery;

/// <summary>Endpoints from a fixed list per service (settings, code). The list never changes.</summary>
public sealed class StaticDiscovery(IReadOnlyDictionary<string, IReadOnlyList<ServiceEndpoint>> services) : IServiceDiscovery
{
    /// <inheritdoc />
    public async IAsyncEnumerable<IReadOnlyList<ServiceEndpoint>> WatchAsync(string service, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return services.TryGetValue(service, out var endpoints) ? endpoints : [];
        await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken).ConfigureAwait(false);
    }
}
