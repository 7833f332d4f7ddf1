using System.Runtime.ExceptionServices;

namespace DistKit.Scheduling.Timers;

/// <summary>
/// What the wheel and the heap share: one lock, one <see cref="ITimer"/> armed for the earliest
/// pending time (so an idle queue costs nothing and no thread polls), and firing outside the lock,
/// one batch at a time.
/// </summary>
public abstract class DrivenTimerScheduler : ITimerScheduler
{
    // Never armed for less: a virtual clock fires a timer armed for "now" inside Change, that is
    // inside our lock, and would run callbacks there.
    private static readonly TimeSpan MinimumArm = TimeSpan.FromTicks(1);

    // Never armed for more: System.Threading.Timer refuses waits beyond about 49.7 days. A timer due
    // later is reached by waking once a day and re-arming.
    private static readonly TimeSpan MaximumArm = TimeSpan.FromDays(1);

    private readonly Lock _gate = new();
    private readonly Action<Exception>? _callbackFailed;
    private ITimer? _timer;
    private long _armedFor = long.MaxValue;
    private int _count;
    private bool _disposed;
    private bool _firing;
    private bool _fireAgain;

    /// <summary>Creates the queue on <paramref name="timeProvider"/>.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="callbackFailed">
    /// Told of an exception a callback threw; the other callbacks still run. When null (or when it
    /// throws itself), the exception is rethrown on the thread pool, as <see cref="System.Threading.Timer"/>
    /// does, which ends the process.
    /// </param>
    private protected DrivenTimerScheduler(TimeProvider? timeProvider, Action<Exception>? callbackFailed)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        _callbackFailed = callbackFailed;
    }

    /// <inheritdoc />
    public TimeProvider TimeProvider { get; }

    /// <inheritdoc />
    public int Count => Volatile.Read(ref _count);

    /// <summary>The pending timers; a slot is the queue's until it fires or is cancelled.</summary>
    private protected TimerSlots Slots { get; } = new();

    /// <summary>The time (UTC ticks) the queue next has work at, or <see cref="long.MaxValue"/> when empty. Called under the lock.</summary>
    private protected abstract long NextWorkTicks { get; }

    /// <inheritdoc />
    public TimerHandle Schedule(TimeSpan delay, Action<object?> callback, object? state)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        var now = TimeProvider.GetUtcNow().UtcTicks;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(delay.Ticks, DateTimeOffset.MaxValue.UtcTicks - now, nameof(delay));
        return ScheduleAt(now + delay.Ticks, now, callback, state);
    }

    /// <inheritdoc />
    public TimerHandle Schedule(DateTimeOffset due, Action<object?> callback, object? state) =>
        ScheduleAt(due.UtcTicks, TimeProvider.GetUtcNow().UtcTicks, callback, state);

    /// <inheritdoc />
    public bool Cancel(TimerHandle timer)
    {
        lock (_gate)
        {
            if (_disposed || !Slots.Holds(timer))
            {
                return false;
            }

            Remove(timer.Slot);
            Slots.Release(timer.Slot);
            _count--;
            return true;
        }
    }

    /// <summary>Stops the queue: pending timers never fire; a callback already running may finish.</summary>
    public void Dispose()
    {
        ITimer? timer;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            timer = _timer;
            Slots.Clear();
            _count = 0;
        }

        timer?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Queues the timer in <paramref name="slot"/>; <paramref name="nowTicks"/> is the clock read before the lock. Called under the lock.</summary>
    private protected abstract void Add(int slot, long nowTicks);

    /// <summary>Unqueues the pending timer in <paramref name="slot"/>; the caller releases the slot. Called under the lock.</summary>
    private protected abstract void Remove(int slot);

    /// <summary>
    /// Unqueues every timer that may fire at <paramref name="nowTicks"/> into <paramref name="due"/>
    /// (see <see cref="TakeSlot"/>), in due order. Called under the lock.
    /// </summary>
    private protected abstract void TakeDue(long nowTicks, List<DueTimer> due);

    /// <summary>Moves the unqueued timer of <paramref name="slot"/> into <paramref name="due"/> and frees the slot.</summary>
    private protected void TakeSlot(int slot, List<DueTimer> due)
    {
        due.Add(new DueTimer(Slots.Due[slot], Slots.Callback[slot]!, Slots.State[slot]));
        Slots.Release(slot);
    }

    // The clock is read before the lock, never under it: a virtual clock may run due timers when it
    // is read, and they must not run inside Schedule.
    private TimerHandle ScheduleAt(long due, long nowTicks, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var slot = Slots.Take(due, callback, state);
            Add(slot, nowTicks);
            _count++;
            ArmLocked(nowTicks);
            return new TimerHandle(slot, Slots.Generation[slot]);
        }
    }

    private void ArmLocked(long nowTicks)
    {
        var next = NextWorkTicks;
        if (next >= _armedFor)
        {
            return;
        }

        var wait = TimeSpan.FromTicks(Math.Min(next - nowTicks, MaximumArm.Ticks));
        if (wait < MinimumArm)
        {
            wait = MinimumArm;
        }

        _timer ??= TimeProvider.CreateTimer(static queue => ((DrivenTimerScheduler)queue!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
        _armedFor = nowTicks + wait.Ticks;
    }

    // One batch at a time, in due order: a Fire that comes while another runs its batch (the system
    // timer runs callbacks on the thread pool, and a slow batch outlasts the next arm) leaves the
    // work to the running one, which takes another batch before it stops.
    private void Fire()
    {
        lock (_gate)
        {
            if (_firing)
            {
                _fireAgain = true;
                return;
            }

            _firing = true;
        }

        while (true)
        {
            var now = TimeProvider.GetUtcNow().UtcTicks;
            var due = new List<DueTimer>();
            lock (_gate)
            {
                _fireAgain = false;
                if (_disposed)
                {
                    _firing = false;
                    return;
                }

                _armedFor = long.MaxValue;
                TakeDue(now, due);
                _count -= due.Count;
                ArmLocked(now);
            }

            foreach (var timer in due)
            {
                if (Volatile.Read(ref _disposed))
                {
                    break;
                }

                Run(timer);
            }

            lock (_gate)
            {
                if (!_fireAgain)
                {
                    _firing = false;
                    return;
                }
            }
        }
    }

    private void Run(DueTimer timer)
    {
        try
        {
            timer.Callback(timer.State);
        }
        catch (Exception e)
        {
            // The rest of the batch still fires: one bad callback must not lose the others.
            Report(e);
        }
    }

    private void Report(Exception e)
    {
        if (_callbackFailed is not null)
        {
            try
            {
                _callbackFailed(e);
                return;
            }
            catch (Exception handlerFailure)
            {
                e = new AggregateException("a timer callback threw, and so did the handler told of it", e, handlerFailure);
            }
        }

        var thrown = ExceptionDispatchInfo.Capture(e);
        ThreadPool.UnsafeQueueUserWorkItem(static failure => failure.Throw(), thrown, preferLocal: false);
    }

    /// <summary>A timer taken from the queue to fire.</summary>
    private protected readonly record struct DueTimer(long DueTicks, Action<object?> Callback, object? State);
}
