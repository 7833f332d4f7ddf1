namespace DistKit.Ids;

/// <summary>How a <see cref="ManagedIdGenerator"/> builds its generators and retries its worker id. Immutable.</summary>
public sealed record ManagedIdGeneratorOptions
{
    /// <summary>Snowflake layout, system clock, 200 ms to 5 s retries, no time marks.</summary>
    public static ManagedIdGeneratorOptions Default { get; } = new();

    /// <summary>Layout, clock policy and clock of every generator; its <c>Node</c> and <c>TimeMarks</c> are set per worker id. Default: <see cref="IdGeneratorOptions.Default"/>.</summary>
    public IdGeneratorOptions Generator { get; init; } = IdGeneratorOptions.Default;

    /// <summary>The time mark store for a worker id (a file per id, say), or null for none. Default: null.</summary>
    public Func<long, ITimeMarkStore?>? TimeMarksFor { get; init; }

    /// <summary>The first pause after a failed acquisition, doubled after each further failure; 10 ms to 1 min. Default: 200 ms.</summary>
    public TimeSpan RetryMin { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest pause between acquisitions; at least <see cref="RetryMin"/>, at most 10 min. Default: 5 s.</summary>
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one acquisition may take before it counts as failed; 100 ms to 10 min. Default: 10 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Where acquisitions, losses and failures are counted and logged. Default: <see cref="Diagnostics.IdsTelemetry.Default"/> (counted, not logged).</summary>
    public Diagnostics.IdsTelemetry Telemetry { get; init; } = Diagnostics.IdsTelemetry.Default;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public ManagedIdGeneratorOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Generator);
        Generator.Validate();
        if (RetryMin < TimeSpan.FromMilliseconds(10) || RetryMin > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(RetryMin), RetryMin, "RetryMin must be 10 ms to 1 min.");
        }

        if (RetryMax < RetryMin || RetryMax > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(RetryMax), RetryMax, "RetryMax must be RetryMin to 10 min.");
        }

        if (AttemptTimeout < TimeSpan.FromMilliseconds(100) || AttemptTimeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), AttemptTimeout, "AttemptTimeout must be 100 ms to 10 min.");
        }

        return this;
    }
}
