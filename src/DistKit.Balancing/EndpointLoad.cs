namespace DistKit.Balancing;

/// <summary>
/// What one endpoint is doing: calls in flight and a peak-sensitive moving average of its latency.
/// Load-aware policies read it on every pick (no lock); calls write it when they end. A service
/// balancer keeps one per address across endpoint-set updates, so a new set starts with what the
/// old one learned.
/// </summary>
public sealed class EndpointLoad
{
    /// <summary>How long until an old latency sample keeps 1/e of its weight: Finagle's default.</summary>
    public static readonly TimeSpan DefaultDecay = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly double _decayTicks;
    private int _outstanding;
    private double _latencyTicks;
    private long _sampledAt;

    /// <summary>A load with nothing learned, timed by <paramref name="time"/> (default: the system clock).</summary>
    public EndpointLoad(TimeProvider? time = null, TimeSpan? decay = null)
    {
        Time = time ?? TimeProvider.System;
        var d = decay ?? DefaultDecay;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(d, TimeSpan.Zero, nameof(decay));
        _decayTicks = d.TotalSeconds * Time.TimestampFrequency;
        _sampledAt = Time.GetTimestamp();
    }

    internal TimeProvider Time { get; }

    /// <summary>Calls in flight.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>The moving average of latency, decayed to now; zero before the first call ends.</summary>
    public TimeSpan Latency => TimeSpan.FromSeconds(DecayedLatencyTicks(Time.GetTimestamp()) / Time.TimestampFrequency);

    /// <summary>
    /// Finagle's peak-EWMA cost: the decayed latency times calls in flight plus one. An endpoint not
    /// yet measured costs nothing while idle, so it is tried and measured; once it has a call in
    /// flight it costs a penalty above any measured endpoint, so a new endpoint that hangs gets one
    /// call per client, not a flood.
    /// </summary>
    internal double Cost(long now)
    {
        var latency = DecayedLatencyTicks(now);
        var outstanding = Volatile.Read(ref _outstanding);
        if (latency <= 0)
        {
            return outstanding == 0 ? 0 : UnmeasuredPenalty + outstanding;
        }

        return latency * (outstanding + 1);
    }

    // Finagle's penalty (Long.MaxValue >> 16 in nanoseconds, about 39 hours), in ticks of any frequency.
    private const double UnmeasuredPenalty = 1.4e14;

    internal long Begin()
    {
        Interlocked.Increment(ref _outstanding);
        return Time.GetTimestamp();
    }

    /// <summary>Ends a call without a latency sample (the caller gave up: its time says nothing of the endpoint).</summary>
    internal void EndUnmeasured() => Interlocked.Decrement(ref _outstanding);

    internal void End(long startedAt, bool succeeded = true)
    {
        Interlocked.Decrement(ref _outstanding);
        Observe(Time.GetTimestamp() - startedAt, succeeded);
    }

    /// <summary>Takes one latency sample (in <see cref="TimeProvider.GetTimestamp"/> ticks).</summary>
    /// <remarks>A failure counts only when slower than the average: a fast error must not make an endpoint look fast.</remarks>
    internal void Observe(long latencyTicks, bool succeeded = true)
    {
        var now = Time.GetTimestamp();
        lock (_gate)
        {
            var current = DecayedLatencyTicks(now);
            if (!succeeded && latencyTicks < current)
            {
                return;
            }

            // Peak-sensitive: a slower sample replaces the average at once, a faster one blends in,
            // so an endpoint that turns slow is avoided on its first slow answer.
            var next = latencyTicks >= current ? latencyTicks : current + ((latencyTicks - current) * (1 - Weight(now)));
            Volatile.Write(ref _latencyTicks, next);
            Volatile.Write(ref _sampledAt, now);
        }
    }

    private double DecayedLatencyTicks(long now)
    {
        var latency = Volatile.Read(ref _latencyTicks);
        return latency <= 0 ? 0 : latency * Weight(now);
    }

    private double Weight(long now)
    {
        var elapsed = Math.Max(0, now - Volatile.Read(ref _sampledAt));
        return Math.Exp(-elapsed / _decayTicks);
    }
}
