namespace DistKit.Cli.Conventions;

/// <summary>Elapsed time on the system's monotonic clock, read through <see cref="TimeProvider"/> (Stopwatch is banned in shipped code so every clock can be substituted).</summary>
internal readonly struct MonotonicClock
{
    private readonly long _started;

    private MonotonicClock(long started) => _started = started;

    public static MonotonicClock StartNew() => new(TimeProvider.System.GetTimestamp());

    public TimeSpan Elapsed => TimeProvider.System.GetElapsedTime(_started);
}
