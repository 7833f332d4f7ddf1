namespace DistKit.Scheduling.Jobs;

/// <summary>
/// How often a failed job is tried again, and when: exponential backoff with full jitter in its
/// upper half (a delay between half and all of <c>InitialDelay × 2^(attempt-1)</c>, capped at
/// <see cref="MaxDelay"/>), so receivers that failed together are not retried together.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>3 attempts, 1 s first delay, at most 5 min.</summary>
    public static RetryPolicy Default { get; } = new();

    /// <summary>No retry: one attempt.</summary>
    public static RetryPolicy None { get; } = new() { Attempts = 1 };

    /// <summary>How many attempts in all, the first included. 1 to 100. Default: 3.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>The delay before the second attempt. 1 ms to 1 d. Default: 1 s.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between attempts. At least <see cref="InitialDelay"/>, at most 1 d. Default: 5 min.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The delay after failed attempt number <paramref name="attempt"/> (1 for the first), with jitter from <paramref name="random"/>.</summary>
    public TimeSpan DelayAfter(int attempt, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        ArgumentNullException.ThrowIfNull(random);
        var ceiling = InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 40));
        ceiling = Math.Min(ceiling, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling / 2 + random.NextDouble() * ceiling / 2);
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public RetryPolicy Validate()
    {
        if (Attempts is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(Attempts), Attempts, "Attempts must be 1 to 100.");
        }

        if (InitialDelay < TimeSpan.FromMilliseconds(1) || InitialDelay > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(InitialDelay), InitialDelay, "InitialDelay must be 1 ms to 1 d.");
        }

        if (MaxDelay < InitialDelay || MaxDelay > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDelay), MaxDelay, "MaxDelay must be InitialDelay to 1 d.");
        }

        return this;
    }
}
