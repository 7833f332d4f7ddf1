using DistKit.Ids.Diagnostics;
using DistKit.Ids.Internal;
using DistKit.Ids.Workers;

namespace DistKit.Ids;

/// <summary>
/// An id generator that keeps its own worker id: it acquires one from an
/// <see cref="IWorkerIdSource"/>, and when the id is lost (the engine restarted, the lease ran out)
/// or cannot be had (the engine is down), it tries again in the background with backoff, so ids
/// resume by themselves as soon as a worker id is held again. While it holds none, every call
/// throws a transient <see cref="WorkerIdUnavailableException"/> rather than risk a duplicate.
/// </summary>
/// <remarks>
/// Ids never go below one this instance issued before, across any number of re-acquisitions, even
/// of a different worker id: each new generator starts above the marks the earlier ones saved.
/// Call <see cref="StartAsync"/> once; dispose to stop, which saves the time mark and gives the
/// worker id back. Thread-safe.
/// </remarks>
public sealed class ManagedIdGenerator : IIdGenerator, IAsyncDisposable
{
    private readonly IWorkerIdSource _source;
    private readonly ManagedIdGeneratorOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task _keeping = Task.CompletedTask;

    // Guarded by _gate. The generator in use, and the reason there is none: null only before the
    // first acquisition has ended, since every later loss or failure records one.
    private SnowflakeIdGenerator? _current;
    private Exception? _lastFailure;

    // Completed when the first acquisition ends, whatever its outcome: what StartAsync waits for.
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset? _floor;
    private int _started;
    private int _disposed;

    /// <summary>Creates the generator; nothing is acquired before <see cref="StartAsync"/>.</summary>
    public ManagedIdGenerator(IWorkerIdSource source, ManagedIdGeneratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _options = (options ?? ManagedIdGeneratorOptions.Default).Validate();
        _time = _options.Generator.TimeProvider;
    }

    /// <inheritdoc />
    public IdLayout Layout => _options.Generator.Layout;

    /// <summary>The worker id held now, or null while none is.</summary>
    public long? WorkerId
    {
        get
        {
            lock (_gate)
            {
                return _current?.Node;
            }
        }
    }

    /// <summary>
    /// Starts keeping a worker id and waits for the first acquisition to end. It returns either way:
    /// a failed first attempt is retried in the background like any later one.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_started == 0 && _disposed == 0)
            {
                _started = 1;
                _keeping = KeepAsync(_stop.Token);
            }
        }

        await _firstAttempt.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// The generator in use. Waits only for the first acquisition; afterwards, while no worker id
    /// is held, throws at once so a caller is not held up by an engine that is down.
    /// </summary>
    /// <exception cref="WorkerIdUnavailableException">No worker id is held now (transient).</exception>
    public async ValueTask<SnowflakeIdGenerator> CurrentAsync(CancellationToken cancellationToken = default)
    {
        Task attempt;
        lock (_gate)
        {
            if (_current is not null)
            {
                return _current;
            }

            if (_lastFailure is not null || _started == 0)
            {
                throw Unavailable();
            }

            attempt = _firstAttempt.Task;
        }

        await attempt.WaitAsync(cancellationToken);
        return Current();
    }

    /// <inheritdoc />
    public long NextId() => Current().NextId();

    /// <inheritdoc />
    public void NextIds(Span<long> destination) => Current().NextIds(destination);

    /// <inheritdoc />
    public int TryNextIds(Span<long> destination) => Current().TryNextIds(destination);

    private SnowflakeIdGenerator Current()
    {
        lock (_gate)
        {
            return _current ?? throw Unavailable();
        }
    }

    // Called under _gate.
    private WorkerIdUnavailableException Unavailable() => _lastFailure is { } failure
        ? new WorkerIdUnavailableException($"no worker id is held for layout '{Layout.Name}' ({failure.Message}); retrying in the background", IsTransient(failure), failure)
        : new WorkerIdUnavailableException($"no worker id is held for layout '{Layout.Name}' yet", isTransient: true);

    // A misconfiguration (an id file above the layout's range, no engine configured, a corrupt
    // mark) will not heal by waiting: say so, although the background keeps trying.
    private static bool IsTransient(Exception failure) => failure switch
    {
        Core.DistKitException distKit => distKit.IsTransient,
        TimeoutException or OperationCanceledException or IOException => true,
        _ => false,
    };

    private async Task KeepAsync(CancellationToken stop)
    {
        var pause = _options.RetryMin;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var held = await TryAcquireAsync(stop);
                if (held is { } got)
                {
                    // Before the first attempt is reported done, so a caller that waited for it finds it logged.
                    Quietly(() => IdsLog.WorkerIdAcquired(_options.Telemetry.Logger, got.Lease.WorkerId, Layout.Name));
                }

                _firstAttempt.TrySetResult();
                if (held is null)
                {
                    if (stop.IsCancellationRequested)
                    {
                        break;
                    }

                    var delay = Jitter(pause);
                    Exception? failure;
                    lock (_gate)
                    {
                        failure = _lastFailure;
                    }

                    Quietly(() => IdsLog.WorkerIdUnavailable(_options.Telemetry.Logger, Layout.Name, failure?.Message ?? "no answer", Core.Duration.Format(delay)));
                    await Task.Delay(delay, _time, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    pause = pause * 2 < _options.RetryMax ? pause * 2 : _options.RetryMax;
                    continue;
                }

                pause = _options.RetryMin;
                var (generator, lease, marks) = held.Value;
                using (var lostOrStopped = CancellationTokenSource.CreateLinkedTokenSource(lease.Lost, stop))
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, _time, lostOrStopped.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

                if (lease.Lost.IsCancellationRequested && !stop.IsCancellationRequested)
                {
                    var reason = Core.Diagnostics.DistKitDiagnostics.Describe(lease.LossReason);
                    Quietly(() =>
                    {
                        _options.Telemetry.Losses.Add(1, new KeyValuePair<string, object?>("layout", Layout.Name), new KeyValuePair<string, object?>("reason", reason));
                        IdsLog.WorkerIdLost(_options.Telemetry.Logger, lease.WorkerId, Layout.Name, reason);
                    });
                }

                lock (_gate)
                {
                    _current = null;
                    _lastFailure ??= new WorkerIdLostException(generator.Node);
                }

                await RetireAsync(generator, lease, marks);
            }
        }
        finally
        {
            _firstAttempt.TrySetResult();
        }
    }

    // Saves the mark at the last tick issued (the next generator starts above it) and gives the
    // worker id back. Neither may stop the loop: a full disk or an engine that is down must still
    // leave the generator retrying, and the floor still holds in memory.
    private async Task RetireAsync(SnowflakeIdGenerator generator, WorkerIdLease lease, FlooredTimeMarkStore marks)
    {
        try
        {
            generator.Dispose();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            lock (_gate)
            {
                _lastFailure = e;
            }
        }

        lock (_gate)
        {
            _floor = marks.Highest;
        }

        await ReleaseQuietlyAsync(lease);
    }

    private static async Task ReleaseQuietlyAsync(WorkerIdLease lease)
    {
        try
        {
            await lease.DisposeAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The id's lease runs out on the engine by itself.
        }
    }

    private async Task<(SnowflakeIdGenerator Generator, WorkerIdLease Lease, FlooredTimeMarkStore Marks)?> TryAcquireAsync(CancellationToken stop)
    {
        WorkerIdLease? lease = null;
        using var activity = IdsTelemetry.Source.StartActivity("worker id acquire");
        activity?.SetTag("distkit.ids.layout", Layout.Name);
        try
        {
            using var bound = new CancellationTokenSource(_options.AttemptTimeout, _time);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop, bound.Token);
            lease = await _source.AcquireAsync(Layout.MaxNode, attempt.Token);
            DateTimeOffset? floor;
            lock (_gate)
            {
                floor = _floor;
            }

            var marks = new FlooredTimeMarkStore(_options.TimeMarksFor?.Invoke(lease.WorkerId), floor);
            var generator = new SnowflakeIdGenerator(_options.Generator with { TimeMarks = marks }, lease);
            lock (_gate)
            {
                _current = generator;
                _lastFailure = null;
            }

            activity?.SetTag("distkit.ids.worker", lease.WorkerId);
            Quietly(() => _options.Telemetry.Acquisitions.Add(1, new KeyValuePair<string, object?>("layout", Layout.Name), new KeyValuePair<string, object?>("outcome", "acquired")));
            return (generator, lease, marks);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (lease is not null)
            {
                await ReleaseQuietlyAsync(lease);
            }

            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
            Quietly(() => _options.Telemetry.Acquisitions.Add(1, new KeyValuePair<string, object?>("layout", Layout.Name), new KeyValuePair<string, object?>("outcome", "unavailable")));

            lock (_gate)
            {
                _lastFailure = e is OperationCanceledException && !stop.IsCancellationRequested
                    ? new TimeoutException($"acquiring a worker id took longer than {Core.Duration.Format(_options.AttemptTimeout)}", e)
                    : e;
            }

            return null;
        }
    }

    // Telemetry is best effort: a logging provider that throws must neither end the loop that keeps
    // the worker id nor leave a generator in use whose lease was given back.
    private static void Quietly(Action report)
    {
        try
        {
            report();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Nothing to do: the report is lost, the generator is not.
        }
    }

    // Spreads the retries of many processes that lost their ids in the same outage.
    private static TimeSpan Jitter(TimeSpan pause) => pause * (0.5 + (Random.Shared.NextDouble() / 2));

    /// <summary>Stops retrying, saves the time mark and gives the worker id back; disposing twice is harmless.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The source is not disposed: Lost-linked tokens and late readers of it stay valid.
        await _stop.CancelAsync();
        Task keeping;
        lock (_gate)
        {
            keeping = _keeping;
        }

        await keeping;
        _firstAttempt.TrySetResult();
    }
}
