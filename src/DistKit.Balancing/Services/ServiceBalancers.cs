using DistKit.Balancing.Composition;
using DistKit.Balancing.Diagnostics;
using DistKit.Balancing.Discovery;

namespace DistKit.Balancing.Services;

/// <summary>
/// The app's service balancers, one per service, made on first use: each follows its discovery
/// (the static list, DNS or the registry) in the background, keeps the last list when discovery
/// fails, and watches again after a pause.
/// </summary>
public sealed class ServiceBalancers : IAsyncDisposable, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly BalancingOptions _options;
    private readonly ConfiguredDiscovery _discovery;
    private readonly TimeProvider _time;
    private readonly BalancingTelemetry _telemetry;
    private readonly CancellationTokenSource _stop = new();
    private bool _disposed;

    /// <summary>Balancers by <paramref name="options"/>; services without a list or DNS name are looked up in <paramref name="registry"/>.</summary>
    public ServiceBalancers(BalancingOptions options, IServiceRegistry? registry = null, TimeProvider? time = null, BalancingTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _discovery = new ConfiguredDiscovery(options, registry, time);
        _time = time ?? TimeProvider.System;
        _telemetry = telemetry ?? new BalancingTelemetry();
    }

    /// <summary>The balancer of <paramref name="service"/>, once discovery has answered or <see cref="BalancingOptions.DiscoveryTimeout"/> has passed.</summary>
    /// <exception cref="ArgumentException">The service is neither configured nor in a registry.</exception>
    public async ValueTask<ServiceBalancer> GetAsync(string service, CancellationToken cancellationToken = default)
    {
        var entry = EntryOf(service);
        var left = _options.DiscoveryTimeout - _time.GetElapsedTime(entry.CreatedAt);
        if (!entry.FirstList.Task.IsCompleted && left > TimeSpan.Zero)
        {
            // Measured from when the service was first asked for: once discovery has had its time,
            // calls fail at once instead of each waiting the whole timeout again.
            try
            {
                await entry.FirstList.Task.WaitAsync(left, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The balancer says why it has nothing to call when asked for a plan.
            }
        }

        return entry.Balancer;
    }

    /// <summary>The balancer of <paramref name="service"/>, without waiting for discovery.</summary>
    public ServiceBalancer Get(string service) => EntryOf(service).Balancer;

    internal TimeProvider Time => _time;

    /// <summary>The services made so far.</summary>
    public IReadOnlyList<ServiceBalancer> Known
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Values.Select(e => e.Balancer)];
            }
        }
    }

    /// <summary>Stops every watch without waiting for them to end (a container disposed synchronously); prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        // The watches observe the cancellation and end on their own; the source is left to the GC
        // rather than disposed under them.
        _stop.Cancel();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Task[] watches;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            watches = [.. _entries.Values.Select(e => e.Watch)];
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(watches).ConfigureAwait(false);
        _stop.Dispose();
    }

    private Entry EntryOf(string service)
    {
        ServiceNames.ThrowIfInvalid(service);
        service = ServiceNames.Normalize(service);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_entries.TryGetValue(service, out var entry))
            {
                return entry;
            }

            var settings = _options.Services.GetValueOrDefault(service);
            var discovery = _discovery.SourceOf(service);
            var balancingOptions = settings?.Policy is { } policy ? WithPolicy(_options.Defaults, policy) : _options.Defaults;
            var balancer = new ServiceBalancer(service, balancingOptions, _time, _telemetry);
            entry = new Entry(balancer, _time.GetTimestamp());
            entry.Watch = FollowAsync(entry, discovery, _stop.Token);
            _entries[service] = entry;
            return entry;
        }
    }

    private Task FollowAsync(Entry entry, IServiceDiscovery discovery, CancellationToken stop) =>
        DiscoveryFollower.FollowAsync(
            discovery,
            entry.Balancer.Service,
            endpoints =>
            {
                entry.Balancer.Update(endpoints);
                entry.FirstList.TrySetResult();
            },
            e => BalancingLog.DiscoveryFailed(_telemetry.Logger, e, entry.Balancer.Service, entry.Balancer.Status().Count),
            _time,
            stop);

    private static ServiceBalancingOptions WithPolicy(ServiceBalancingOptions defaults, string policy) => new()
    {
        Policy = policy,
        PolicySettings = defaults.PolicySettings,
        Health = defaults.Health,
        RetryBudget = defaults.RetryBudget,
    };

    private sealed class Entry(ServiceBalancer balancer, long createdAt)
    {
        public ServiceBalancer Balancer { get; } = balancer;

        public long CreatedAt { get; } = createdAt;

        public TaskCompletionSource FirstList { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Watch { get; set; } = Task.CompletedTask;
    }
}
