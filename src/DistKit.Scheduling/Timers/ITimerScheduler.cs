namespace DistKit.Scheduling.Timers;

/// <summary>
/// Timers in one process: each runs a callback once, at or after its due time, never before. Time is
/// read from a <see cref="System.TimeProvider"/>, so a test drives a queue in virtual time.
/// </summary>
/// <remarks>
/// Callbacks run on the queue's timer thread, one after another, in order of due time; a callback
/// should hand long work off rather than run it, or later timers fire late. A timer that
/// <see cref="Cancel"/> removed never runs; one whose callback has started cannot be cancelled.
/// </remarks>
public interface ITimerScheduler : IDisposable
{
    /// <summary>The clock the queue reads and arms.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>How many timers are pending (scheduled, neither fired nor cancelled).</summary>
    int Count { get; }

    /// <summary>Schedules <paramref name="callback"/>(<paramref name="state"/>) at <paramref name="due"/>; a due time already past fires at the next tick.</summary>
    /// <exception cref="ObjectDisposedException">The queue is disposed.</exception>
    TimerHandle Schedule(DateTimeOffset due, Action<object?> callback, object? state);

    /// <summary>Schedules <paramref name="callback"/>(<paramref name="state"/>) after <paramref name="delay"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    /// <exception cref="ObjectDisposedException">The queue is disposed.</exception>
    TimerHandle Schedule(TimeSpan delay, Action<object?> callback, object? state);

    /// <summary>Removes <paramref name="timer"/> if it is still pending.</summary>
    /// <returns>True when the timer was pending and now never fires; false when it fired, is firing or was cancelled.</returns>
    bool Cancel(TimerHandle timer);
}
