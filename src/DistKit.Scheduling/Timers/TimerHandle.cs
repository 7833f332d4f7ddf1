namespace DistKit.Scheduling.Timers;

/// <summary>
/// A scheduled timer, as <see cref="ITimerScheduler.Schedule(DateTimeOffset, Action{object?}, object?)"/>
/// returns it and <see cref="ITimerScheduler.Cancel"/> takes it. A value, not an object: the queue
/// keeps its timers in arrays it reuses, and a handle names a slot and the slot's generation, so a
/// handle kept after its timer fired can never cancel a later timer in the same slot.
/// </summary>
public readonly struct TimerHandle : IEquatable<TimerHandle>
{
    internal TimerHandle(int slot, int generation)
    {
        Slot = slot;
        Generation = generation;
    }

    internal int Slot { get; }

    // Generations start at 1, so default(TimerHandle) names no timer.
    internal int Generation { get; }

    /// <inheritdoc />
    public bool Equals(TimerHandle other) => Slot == other.Slot && Generation == other.Generation;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is TimerHandle other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Slot, Generation);

    /// <summary>Whether two handles name the same timer.</summary>
    public static bool operator ==(TimerHandle left, TimerHandle right) => left.Equals(right);

    /// <summary>Whether two handles name different timers.</summary>
    public static bool operator !=(TimerHandle left, TimerHandle right) => !left.Equals(right);
}
