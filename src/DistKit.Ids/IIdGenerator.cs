namespace DistKit.Ids;

/// <summary>
/// Issues unique, time-ordered 64-bit ids with no call to anything per id. Thread-safe; ids from
/// one generator strictly increase in the order the calls complete.
/// </summary>
public interface IIdGenerator
{
    /// <summary>The layout the ids follow.</summary>
    IdLayout Layout { get; }

    /// <summary>Issues one id.</summary>
    /// <exception cref="ClockMovedBackwardsException">The clock is behind by more than the policy allows.</exception>
    /// <exception cref="WorkerIdLostException">The generator's worker id can no longer be guaranteed unique.</exception>
    /// <exception cref="IdSpaceExhaustedException">The layout's time bits have run out.</exception>
    long NextId();

    /// <summary>Fills <paramref name="destination"/> with increasing ids, taking whole runs of sequence numbers at once.</summary>
    /// <exception cref="ClockMovedBackwardsException">The clock is behind by more than the policy allows; ids written before are valid.</exception>
    /// <exception cref="WorkerIdLostException">The worker id can no longer be guaranteed unique.</exception>
    /// <exception cref="IdSpaceExhaustedException">The layout's time bits have run out.</exception>
    void NextIds(Span<long> destination);

    /// <summary>
    /// Fills as much of <paramref name="destination"/> as can be issued without waiting for the
    /// clock, and returns how many ids it wrote (0 when the current tick's sequence is spent).
    /// </summary>
    /// <remarks>
    /// For callers that must not block a thread (a request path): when it returns fewer than asked,
    /// await the start of the layout's next time unit and call again.
    /// </remarks>
    /// <exception cref="ClockMovedBackwardsException">The clock is behind by more than the policy allows; ids written before are valid.</exception>
    /// <exception cref="WorkerIdLostException">The worker id can no longer be guaranteed unique.</exception>
    /// <exception cref="IdSpaceExhaustedException">The layout's time bits have run out.</exception>
    int TryNextIds(Span<long> destination);
}
