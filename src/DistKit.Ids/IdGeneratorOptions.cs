namespace DistKit.Ids;

/// <summary>How a generator issues ids. Immutable; validated when the generator is created.</summary>
public sealed record IdGeneratorOptions
{
    /// <summary>Snowflake layout, node 0, <see cref="ClockBackwardsPolicy.Wait"/> up to 5 ms, system clock, no persisted mark.</summary>
    public static IdGeneratorOptions Default { get; } = new();

    /// <summary>The bit layout. Default: <see cref="IdLayout.Snowflake"/>.</summary>
    public IdLayout Layout { get; init; } = IdLayout.Snowflake;

    /// <summary>
    /// The node field (datacenter and worker together; see <see cref="IdLayout.NodeOf"/>), 0 to
    /// <see cref="IdLayout.MaxNode"/>. Must not be used by two live generators of the same layout:
    /// take it from a worker-id source. Default: 0.
    /// </summary>
    public long Node { get; init; }

    /// <summary>What to do when the clock steps back. Default: <see cref="ClockBackwardsPolicy.Wait"/>.</summary>
    public ClockBackwardsPolicy ClockPolicy { get; init; } = ClockBackwardsPolicy.Wait;

    /// <summary>The longest <see cref="ClockBackwardsPolicy.Wait"/> waits for the clock, 0 to 10 s. Default: 5 ms.</summary>
    public TimeSpan MaxClockWait { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The clock. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Where the generator records how far it may have issued, so a restarted generator never
    /// issues below it, even after a crash or a clock step back between runs. Default: none.
    /// </summary>
    public ITimeMarkStore? TimeMarks { get; init; }

    /// <summary>
    /// How far ahead of the clock each persisted mark reaches, 10 ms to 1 min: one write per this
    /// much time while ids are issued; after a crash, a new generator may wait up to this long. Default: 1 s.
    /// </summary>
    public TimeSpan TimeMarkReach { get; init; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Layout);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        if (Node < 0 || Node > Layout.MaxNode)
        {
            throw new ArgumentOutOfRangeException(nameof(Node), Node, $"The node must be 0 to {Layout.MaxNode} for layout '{Layout.Name}'.");
        }

        if (MaxClockWait < TimeSpan.Zero || MaxClockWait > TimeSpan.FromSeconds(10))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxClockWait), MaxClockWait, "MaxClockWait must be 0 to 10 s.");
        }

        if (TimeMarkReach < TimeSpan.FromMilliseconds(10) || TimeMarkReach > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(TimeMarkReach), TimeMarkReach, "TimeMarkReach must be 10 ms to 1 min.");
        }

        if (!Enum.IsDefined(ClockPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(ClockPolicy), ClockPolicy, "Unknown clock policy.");
        }
    }
}
