namespace DistKit.Ids;

/// <summary>What a generator does when the wall clock reads earlier than the last id it issued.</summary>
public enum ClockBackwardsPolicy
{
    /// <summary>
    /// Wait until the clock catches up, if the gap is at most
    /// <see cref="IdGeneratorOptions.MaxClockWait"/>; throw <see cref="ClockMovedBackwardsException"/> otherwise.
    /// Right for NTP slews and small steps. The default.
    /// </summary>
    Wait,

    /// <summary>Throw <see cref="ClockMovedBackwardsException"/> at once, carrying the drift.</summary>
    Fail,

    /// <summary>
    /// Keep counting from the last issued time: ids stay unique and increasing, their time field
    /// runs ahead of the wall clock until it catches up. Never waits, never throws for the clock.
    /// </summary>
    Logical,
}
