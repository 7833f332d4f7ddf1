namespace DistKit.Postgres.Locks;

/// <summary>How <see cref="PostgresLockProvider"/> watches held locks.</summary>
public sealed record PostgresLockOptions
{
    /// <summary>Liveness checked every second; fencing tokens from <c>distkit_lock_fence</c>.</summary>
    public static PostgresLockOptions Default { get; } = new();

    /// <summary>
    /// How often a held lock's connection is checked; <see cref="DistKit.Locks.LockHandle.Lost"/>
    /// fires at the first failed check (session killed, server gone). 100 ms to 1 min. Default: 1 s.
    /// </summary>
    public TimeSpan LivenessCheck { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many sessions that gave their lock back stay open for the next lock, 0 to 64: opening a
    /// connection starts a server process, which costs more than the lock. Default: 4.
    /// </summary>
    public int IdleSessions { get; init; } = 4;

    /// <summary>The sequence fencing tokens come from, created on first use. Default: <c>distkit_lock_fence</c>.</summary>
    public string FencingSequence { get; init; } = "distkit_lock_fence";

    /// <summary>The clock for liveness checks. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal PostgresLockOptions Validate()
    {
        if (LivenessCheck < TimeSpan.FromMilliseconds(100) || LivenessCheck > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(LivenessCheck), LivenessCheck, "LivenessCheck must be 100 ms to 1 min.");
        }

        if (IdleSessions is < 0 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleSessions), IdleSessions, "IdleSessions must be 0 to 64.");
        }

        if (string.IsNullOrEmpty(FencingSequence) || !FencingSequence.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.'))
        {
            throw new ArgumentOutOfRangeException(nameof(FencingSequence), FencingSequence, "FencingSequence must be an unquoted identifier (letters, digits, '_', '.').");
        }

        return this;
    }
}
