namespace DistKit.Ids.Tests;

/// <summary>
/// A clock the test moves, backwards too: FakeTimeProvider refuses to go back in time, and a
/// clock stepping back is exactly what these tests are about. With <see cref="AutoAdvance"/>,
/// every read moves time on, so code that polls the clock sees it run.
/// </summary>
internal sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public TimeSpan AutoAdvance { get; set; }

    public override DateTimeOffset GetUtcNow()
    {
        var step = AutoAdvance.Ticks;
        var ticks = step == 0 ? Volatile.Read(ref _utcTicks) : Interlocked.Add(ref _utcTicks, step) - step;
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    // Timestamps follow the same clock, so code timing intervals with GetTimestamp sees the test's time.
    public override long GetTimestamp() => Volatile.Read(ref _utcTicks);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);

    public void StepBack(TimeSpan by) => Interlocked.Add(ref _utcTicks, -by.Ticks);
}
