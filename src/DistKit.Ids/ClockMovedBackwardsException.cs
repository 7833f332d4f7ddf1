using DistKit.Core;

namespace DistKit.Ids;

/// <summary>
/// The wall clock reads earlier than the last id issued (or than the persisted mark of a previous
/// run) by more than the generator may wait. No id was issued.
/// </summary>
public sealed class ClockMovedBackwardsException : DistKitException
{
    /// <summary>Creates the exception for a clock that is <paramref name="drift"/> behind.</summary>
    public ClockMovedBackwardsException(TimeSpan drift)
        : base($"the clock is {drift.TotalMilliseconds:F1} ms behind the last issued id; refusing to issue ids that could repeat")
    {
        Drift = drift;
        IsTransient = true;
    }

    /// <summary>How far behind the clock is.</summary>
    public TimeSpan Drift { get; }
}
