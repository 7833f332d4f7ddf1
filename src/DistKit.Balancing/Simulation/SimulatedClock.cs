namespace DistKit.Balancing.Simulation;

/// <summary>The simulation's time: moves only when the next event is taken, so policies that read time (peak EWMA, ejection, slow start) see simulated time.</summary>
internal sealed class SimulatedClock : TimeProvider
{
    private const long Frequency = 1_000_000; // microseconds

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public double NowMs { get; private set; }

    public void AdvanceTo(double ms) => NowMs = Math.Max(NowMs, ms);

    public override long TimestampFrequency => Frequency;

    public override long GetTimestamp() => (long)(NowMs * 1000);

    public override DateTimeOffset GetUtcNow() => Epoch.AddMilliseconds(NowMs);
}
