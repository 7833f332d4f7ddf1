namespace DistKit.Core.Leases;

/// <summary>
/// A held lease. It renews itself every <see cref="LeaseOptions.RenewPeriod"/>; <see cref="Lost"/>
/// fires when a renewal finds the lease taken, or when no renewal has succeeded by the end of its
/// validity — before the engine can hand the name to anyone else, since the engine waits
/// <see cref="LeaseOptions.ClockDrift"/> longer. Dispose to release; disposing twice is harmless.
/// </summary>
/// <remarks>Each engine derives one sealed type; this base holds the renewal loop and loss detection, so no engine hand-rolls its own.</remarks>
public abstract class Lease : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private readonly LeaseOptions _options;
    private readonly ITimer _expiry;
    private long _validUntilTimestamp;
    private readonly ITimer _renewTimer;
    private readonly Lock _renewGate = new();
    private Task _renewal = Task.CompletedTask;
    private bool _stopping;
    private int _disposed;
    private int _lossReason;

    /// <summary>Creates the handle for a lease the engine granted to a request sent at <paramref name="requestStarted"/> (a <see cref="TimeProvider.GetTimestamp"/> value).</summary>
    protected Lease(string name, string ownerToken, long fencingToken, LeaseOptions options, long requestStarted)
        : this(name, ownerToken, fencingToken, options, requestStarted, options?.Ttl ?? default)
    {
    }

    /// <summary>
    /// Creates the handle for a lease the engine granted for only <paramref name="validFor"/> from
    /// <paramref name="requestStarted"/> (a lease handed over by its previous holder, say); start it
    /// with an early first renewal.
    /// </summary>
    protected Lease(string name, string ownerToken, long fencingToken, LeaseOptions options, long requestStarted, TimeSpan validFor)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        OwnerToken = ownerToken;
        FencingToken = fencingToken;
        _options = options;
        _time = options.TimeProvider;
        _validUntilTimestamp = requestStarted + ToTimestampTicks(validFor);
        _renewTimer = _time.CreateTimer(_ => OnRenewalDue(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _expiry = _time.CreateTimer(_ => MarkLost(LeaseLossReason.ValidityExpired), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The leased name.</summary>
    public string Name { get; }

    /// <summary>The random token that identifies this holder to the engine.</summary>
    public string OwnerToken { get; }

    /// <summary>Strictly greater than the fencing token of every earlier holder of <see cref="Name"/>; pass it to the resource you guard.</summary>
    public long FencingToken { get; }

    /// <summary>Fires once the lease can no longer be guaranteed to be this holder's.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Why <see cref="Lost"/> fired; <see cref="LeaseLossReason.None"/> while held.</summary>
    public LeaseLossReason LossReason => (LeaseLossReason)Volatile.Read(ref _lossReason);

    /// <summary>The engine's name (<c>redis</c>, <c>etcd</c>, …), for telemetry.</summary>
    protected abstract string Engine { get; }

    /// <summary>How long the lease is guaranteed from now, if no renewal succeeds meanwhile; zero once lost.</summary>
    public TimeSpan Remaining
    {
        get
        {
            if (_lost.IsCancellationRequested)
            {
                return TimeSpan.Zero;
            }

            var left = Volatile.Read(ref _validUntilTimestamp) - _time.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(left / (double)_time.TimestampFrequency);
        }
    }

    /// <summary>
    /// Until when (on this holder's wall clock) the lease is guaranteed, as of now; the past once
    /// lost. Read it at the point of use: unlike <see cref="Lost"/> it does not depend on a timer
    /// callback running on time.
    /// </summary>
    public DateTimeOffset ValidUntil => _time.GetUtcNow() + Remaining;

    /// <summary>Starts renewal and the validity watch; engines call it once, right after construction.</summary>
    protected void Start() => Start(_options.RenewPeriod);

    /// <summary>Starts renewal with the first renewal after <paramref name="firstRenewalIn"/>, then every <see cref="LeaseOptions.RenewPeriod"/>.</summary>
    protected void Start(TimeSpan firstRenewalIn)
    {
        ArmExpiry();
        ScheduleRenewal(firstRenewalIn);
    }

    /// <summary>Extends the lease in the engine if this holder still owns it; false when it does not (taken, expired).</summary>
    /// <remarks>Throw for transient failures (connection down): the loop retries until the validity runs out.</remarks>
    protected abstract ValueTask<bool> RenewCoreAsync(CancellationToken cancellationToken);

    /// <summary>Gives the lease back in the engine, if this holder still owns it.</summary>
    protected abstract ValueTask ReleaseCoreAsync(CancellationToken cancellationToken);

    /// <summary>
    /// True when the engine's client already bounds every call with a timeout of its own, so a
    /// release needs no timer of ours (it is on the path of every lock). Default: false.
    /// </summary>
    protected virtual bool ReleaseIsBoundedByClient => false;

    /// <summary>Releases the engine-side resources of the handle (connections, sessions) after release.</summary>
    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    // A timer, not a looping task: a lease that is released before its first renewal (most locks)
    // costs no thread-pool work item and no waiting task, only a timer armed and disposed.
    private void OnRenewalDue()
    {
        lock (_renewGate)
        {
            if (!_stopping)
            {
                _renewal = RenewOnceAsync();
            }
        }
    }

    private async Task RenewOnceAsync()
    {
        var token = _stop.Token;
        var started = _time.GetTimestamp();
        bool stillOurs;
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(token, _lost.Token);
            stillOurs = await RenewCoreAsync(attempt.Token);
        }
        catch (Exception) when (!token.IsCancellationRequested && !_lost.IsCancellationRequested)
        {
            // Transient (engine restarting, connection dropped): keep trying while the lease is valid.
            Diagnostics.DistKitDiagnostics.RenewalFailed(Engine);
            ScheduleRenewal(_options.RenewPeriod);
            return;
        }
        catch (Exception) when (token.IsCancellationRequested || _lost.IsCancellationRequested)
        {
            // Disposed or lost; some clients report a cancelled call with their own exception type.
            return;
        }

        if (!stillOurs)
        {
            MarkLost(LeaseLossReason.RenewalRefused);
            return;
        }

        Volatile.Write(ref _validUntilTimestamp, started + ToTimestampTicks(_options.Ttl));
        ArmExpiry();
        ScheduleRenewal(_options.RenewPeriod);
    }

    private void ScheduleRenewal(TimeSpan dueIn)
    {
        lock (_renewGate)
        {
            if (!_stopping && !_lost.IsCancellationRequested)
            {
                _renewTimer.Change(dueIn, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void ArmExpiry()
    {
        var left = Volatile.Read(ref _validUntilTimestamp) - _time.GetTimestamp();
        if (left <= 0)
        {
            MarkLost(LeaseLossReason.ValidityExpired);
            return;
        }

        _expiry.Change(TimeSpan.FromSeconds(left / (double)_time.TimestampFrequency), Timeout.InfiniteTimeSpan);
    }

    private void MarkLost(LeaseLossReason reason)
    {
        // The first reason is the one that counts: a release after a loss is still that loss.
        if (Interlocked.CompareExchange(ref _lossReason, (int)reason, (int)LeaseLossReason.None) == (int)LeaseLossReason.None
            && reason != LeaseLossReason.Released)
        {
            Diagnostics.DistKitDiagnostics.LeaseLost(Engine, reason);
        }

        try
        {
            _lost.Cancel();
        }
        catch (Exception e) when (e is ObjectDisposedException or AggregateException)
        {
            // A consumer's Lost callback failed (or the handle is gone): that must not take down the
            // timer thread or the renewal loop that reports the loss.
        }
    }

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    /// <summary>Stops renewing and releases the lease in the engine (best effort); <see cref="Lost"/> fires.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(release: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Stops renewing without releasing: the engine frees the name only when the lease runs out,
    /// <see cref="LeaseOptions.ClockDrift"/> after this holder stopped counting on it. For names whose
    /// next holder must not start before this one's clock has certainly passed (worker ids).
    /// <see cref="Lost"/> fires; the handle is disposed.
    /// </summary>
    public ValueTask AbandonAsync() => StopAsync(release: false);

    private async ValueTask StopAsync(bool release)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Task renewal;
        lock (_renewGate)
        {
            // Under the gate, so no renewal starts or is scheduled after this.
            _stopping = true;
            renewal = _renewal;
        }

        // Outside the gate: an in-flight renewal's continuation may run inline and take it.
        _stop.Cancel();

        await _renewTimer.DisposeAsync();
        try
        {
            await renewal;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The loop already stopped; releasing below is what matters now.
        }

        await _expiry.DisposeAsync();
        // Released even when already counted as lost: the engine may still hold it for us (a
        // renewal that landed but whose answer was abandoned), and every engine's release only
        // touches the lease if this holder still owns it.
        MarkLost(LeaseLossReason.Released);
        if (release)
        {
            try
            {
                if (ReleaseIsBoundedByClient)
                {
                    await ReleaseCoreAsync(CancellationToken.None);
                }
                else
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
                    await ReleaseCoreAsync(timeout.Token);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The engine expires it after Ttl + ClockDrift anyway.
            }
        }

        await DisposeCoreAsync();

        // The sources are not disposed: Lost stays readable (and cancelled) after dispose, and
        // neither source owns a timer or wait handle that would need freeing.
    }
}
