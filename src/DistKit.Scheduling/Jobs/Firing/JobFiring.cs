using System.Threading.Channels;
using DistKit.Core;
using DistKit.Core.Leases;
using DistKit.Scheduling.Diagnostics;
using DistKit.Scheduling.Timers;
using Microsoft.Extensions.Hosting;

namespace DistKit.Scheduling.Jobs;

/// <summary>
/// The firing service of one process: it holds a fair share of the shards through leases, loads
/// each window of their due jobs into a timing wheel, and when a job's time comes claims it under
/// the shard's fencing token and delivers it. No polling decides when a job fires: the wheel does,
/// and jobs scheduled inside the loaded window reach it directly (from this process) or through the
/// store's watch (from others).
/// </summary>
internal sealed partial class JobFiring : IHostedService, IAsyncDisposable, IJobFiringState
{
    private const int ClaimBatch = 256;
    private const int LoadLimit = 50_000;
    private const int ClaimLoops = 2;

    // Jobs are claimed this long before they are due and delivered on the dot from the wheel, so
    // the claim's round trip (and a busy store's queue) is not part of their lateness, and claims
    // of jobs due close together share one statement. The price: a cancel that lands in the last
    // ClaimAhead before the due time can be too late.
    internal static readonly TimeSpan ClaimAhead = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan StoreRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MisfireThreshold = TimeSpan.FromMinutes(1);

    // A delivery may wait up to its timeout for a slot at its receiver, then run for its timeout.
    private static readonly TimeSpan LongestDelivery = JobsOptions.MaxTimeout * 2 + TimeSpan.FromSeconds(10);

    private readonly IJobStore _store;
    private readonly ILeaseStore _leases;
    private readonly JobsOptions _options;
    private readonly JobDeliveries _deliveries;
    private readonly JobsTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly TimingWheel _wheel;
    private readonly Action<object?> _onDue;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, OwnedShard> _owned = [];
    // Shards handed back whose deliveries a stop interrupted: released by StopAsync after draining.
    private readonly HashSet<OwnedShard> _closing = [];
    private readonly Dictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly Channel<DueJob> _fired = Channel.CreateUnbounded<DueJob>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private readonly Channel<PendingCompletion> _completions = Channel.CreateUnbounded<PendingCompletion>(new UnboundedChannelOptions { SingleWriter = false, SingleReader = false });
    private readonly SemaphoreSlim _concurrency;
    private readonly SemaphoreSlim _reload = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly Dictionary<long, Task> _deliveriesInFlight = [];
    private readonly Random _random = new();
    private DateTimeOffset _loadedUntil = DateTimeOffset.MinValue;
    private Task[] _loops = [];
    private Task[] _completers = [];
    private long _nextDelivery;
    private int _liveNodes = 1;
    private int _state; // 0 new, 1 started, 2 stopped

    public JobFiring(IJobStore store, ILeaseStore leases, JobsOptions options, JobDeliveries deliveries, JobsTelemetry telemetry, TimeProvider time)
    {
        _store = store;
        _leases = leases;
        _options = options;
        _deliveries = deliveries;
        _telemetry = telemetry;
        _time = time;
        _concurrency = new SemaphoreSlim(options.MaxConcurrent, options.MaxConcurrent);
        _wheel = new TimingWheel(time, TimeSpan.FromMilliseconds(1), callbackFailed: e => JobsLog.LoopFailed(_telemetry.Logger, "timer", e.Message));
        _onDue = state => OnDue((DueJob)state!);
        Node = JobIds.New(time);
    }

    /// <inheritdoc />
    public string Node { get; }

    /// <inheritdoc />
    public IReadOnlyList<int> OwnedShards
    {
        get
        {
            lock (_gate)
            {
                return [.. _owned.Keys.Order()];
            }
        }
    }

    /// <inheritdoc />
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return Task.CompletedTask;
        }

        var loops = new List<Task>
        {
            Task.Run(HeartbeatLoopAsync, CancellationToken.None),
            Task.Run(RebalanceLoopAsync, CancellationToken.None),
            Task.Run(WindowLoopAsync, CancellationToken.None),
            Task.Run(WatchLoopAsync, CancellationToken.None),
        };
        for (var i = 0; i < ClaimLoops; i++)
        {
            loops.Add(Task.Run(ClaimLoopAsync, CancellationToken.None));
        }

        _loops = [.. loops];
        _completers = [.. Enumerable.Range(0, ClaimLoops).Select(_ => Task.Run(CompletionLoopAsync, CancellationToken.None))];
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops firing: no new claims; deliveries in flight may finish and complete until
    /// <paramref name="cancellationToken"/> fires, then are abandoned (their jobs stay running, and the
    /// shard's next owner redelivers them); then the shard leases are released and this node leaves
    /// the live count, so the others take over at once.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _state, 2) != 1)
        {
            return;
        }

        using var abortOnTimeout = cancellationToken.UnsafeRegister(static abort => ((CancellationTokenSource)abort!).Cancel(), _abort);
        await _stop.CancelAsync();
        _fired.Writer.TryComplete();
        await Quietly(Task.WhenAll(_loops));
        Task[] running;
        lock (_gate)
        {
            running = [.. _deliveriesInFlight.Values];
        }

        await Quietly(Task.WhenAll(running));
        // The deliveries are done; what they handed in to complete is written before the leases go.
        _completions.Writer.TryComplete();
        await Quietly(Task.WhenAll(_completers));

        OwnedShard[] owned;
        lock (_gate)
        {
            owned = [.. _owned.Values, .. _closing];
            foreach (var shard in owned)
            {
                shard.Closing = true;
            }

            _owned.Clear();
            _closing.Clear();
            _pending.Clear();
        }

        _wheel.Dispose();
        await Task.WhenAll(owned.Select(shard => shard.Lease.DisposeAsync().AsTask()));
        _telemetry.ShardsChanged(-owned.Length);
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            await _store.LeaveAsync(Node, bound.Token);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The heartbeat row runs out by itself.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        _wheel.Dispose();
        _stop.Dispose();
        _abort.Dispose();
        _concurrency.Dispose();
        _reload.Dispose();
    }

    /// <summary>
    /// Puts a job into the wheel if its shard is ours and it is due inside the loaded window; a job
    /// already there moves to the reported time unless that report is older than the one it has.
    /// Anything else is left to a later window load.
    /// </summary>
    public void Offer(DueJob job)
    {
        lock (_gate)
        {
            if (_state != 1 || !_owned.TryGetValue(job.Shard, out var shard) || shard.Closing || job.Due >= _loadedUntil)
            {
                return;
            }

            if (_pending.TryGetValue(job.Id, out var existing))
            {
                // A load that read the store before a replace, retry or next occurrence landed must
                // not move the job back to its old time.
                if (existing.Version > job.Version || (existing.Version == job.Version && existing.Due == job.Due))
                {
                    return;
                }

                _wheel.Cancel(existing.Handle);
            }

            _pending[job.Id] = new Pending(_wheel.Schedule(job.Due - ClaimAhead, _onDue, job), job.Shard, job.Due, job.Version);
        }
    }

    private void OnDue(DueJob job)
    {
        lock (_gate)
        {
            // A job moved to another time, or whose shard went, has a newer entry or none.
            if (!_pending.TryGetValue(job.Id, out var pending) || pending.Due != job.Due || pending.Version != job.Version)
            {
                return;
            }

            _pending.Remove(job.Id);
        }

        _fired.Writer.TryWrite(job);
    }

    // Under the gate.
    private void DropPendingOf(int shard)
    {
        List<string>? gone = null;
        foreach (var (id, pending) in _pending)
        {
            if (pending.Shard == shard)
            {
                _wheel.Cancel(pending.Handle);
                (gone ??= []).Add(id);
            }
        }

        foreach (var id in gone ?? [])
        {
            _pending.Remove(id);
        }
    }

    // Under the gate.
    private static void Settle(OwnedShard shard)
    {
        shard.InFlight--;
        if (shard.Closing && shard.InFlight == 0)
        {
            shard.Drained.TrySetResult();
        }
    }

    private void Done(OwnedShard shard)
    {
        lock (_gate)
        {
            Settle(shard);
        }
    }

    private static bool IsTransient(Exception e) => e is DistKitException { IsTransient: true } or TimeoutException;

    // A loop must outlive any one failure: one that died would leave its shards leased and unfired.
    private bool Survivable(Exception e, string step)
    {
        if (e is OperationCanceledException && _stop.IsCancellationRequested)
        {
            return false;
        }

        if (IsTransient(e))
        {
            JobsLog.StoreFailed(_telemetry.Logger, step, e.Message);
        }
        else
        {
            JobsLog.LoopFailed(_telemetry.Logger, step, $"{e.GetType().Name}: {e.Message}");
        }

        return true;
    }

    private async Task PauseAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _time, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private static Task Quietly(Task task) =>
        task.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private readonly record struct Pending(TimerHandle Handle, int Shard, DateTimeOffset Due, long Version);
}
