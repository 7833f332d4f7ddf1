using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace DistKit.Balancing.Discovery;

/// <summary>
/// A registry in this process: the embedded default of the node, where every registration is made
/// by the node itself (and so dies with it). Watchers get each change at once.
/// </summary>
public sealed class InMemoryServiceRegistry : IServiceRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<long, ServiceEndpoint>> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Channel<IReadOnlyList<ServiceEndpoint>>>> _watchers = new(StringComparer.Ordinal);
    private long _nextId;

    /// <inheritdoc />
    public string Engine => "embedded";

    /// <inheritdoc />
    public Task<ServiceRegistration> RegisterAsync(string service, ServiceEndpoint endpoint, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ServiceNames.ThrowIfInvalid(service);
        ArgumentNullException.ThrowIfNull(endpoint);
        _ = new EndpointSet([endpoint]);
        service = ServiceNames.Normalize(service);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        long id;
        lock (_gate)
        {
            id = ++_nextId;
            if (!_services.TryGetValue(service, out var entries))
            {
                entries = [];
                _services[service] = entries;
            }

            entries[id] = endpoint;
            Publish(service);
        }

        return Task.FromResult<ServiceRegistration>(new Registration(this, service, endpoint, id));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ServiceEndpoint>> ListAsync(string service, CancellationToken cancellationToken = default)
    {
        service = ServiceNames.Normalize(service);
        lock (_gate)
        {
            return Task.FromResult(ListLocked(service));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<IReadOnlyList<ServiceEndpoint>> WatchAsync(string service, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        service = ServiceNames.Normalize(service);

        // Only the newest list matters: a slow watcher skips the ones in between.
        var channel = Channel.CreateBounded<IReadOnlyList<ServiceEndpoint>>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_gate)
        {
            if (!_watchers.TryGetValue(service, out var list))
            {
                list = [];
                _watchers[service] = list;
            }

            list.Add(channel);
            channel.Writer.TryWrite(ListLocked(service));
        }

        try
        {
            await foreach (var endpoints in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return endpoints;
            }
        }
        finally
        {
            lock (_gate)
            {
                var list = _watchers[service];
                list.Remove(channel);
                if (list.Count == 0)
                {
                    _watchers.Remove(service);
                }
            }
        }
    }

    private void Remove(string service, long id)
    {
        lock (_gate)
        {
            if (_services.TryGetValue(service, out var entries) && entries.Remove(id))
            {
                if (entries.Count == 0)
                {
                    _services.Remove(service);
                }

                Publish(service);
            }
        }
    }

    // With _gate held. Two registrations of one address (a restart before the old one left) show once: the newest.
    private IReadOnlyList<ServiceEndpoint> ListLocked(string service) =>
        _services.TryGetValue(service, out var entries)
            ? [.. entries.OrderBy(e => e.Key).GroupBy(e => e.Value.Address, StringComparer.Ordinal).Select(g => g.Last().Value).OrderBy(e => e.Address, StringComparer.Ordinal)]
            : [];

    private void Publish(string service)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            var endpoints = ListLocked(service);
            foreach (var channel in list)
            {
                channel.Writer.TryWrite(endpoints);
            }
        }
    }

    private sealed class Registration(InMemoryServiceRegistry owner, string service, ServiceEndpoint endpoint, long id) : ServiceRegistration
    {
        private int _disposed;

        public override string Service => service;

        public override ServiceEndpoint Endpoint => endpoint;

        public override bool IsRegistered => Volatile.Read(ref _disposed) == 0;

        public override ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(service, id);
            }

            return ValueTask.CompletedTask;
        }
    }
}
