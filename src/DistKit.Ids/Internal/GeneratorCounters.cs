using System.Diagnostics.Metrics;

namespace DistKit.Ids.Internal;

/// <summary>
/// What generators count, on the package's <c>DistKit.Ids</c> meter. Only events off the hot path
/// are counted: a counter per id would cost more than the id.
/// </summary>
internal static class GeneratorCounters
{
    private static readonly Meter Meter = Diagnostics.IdsTelemetry.SharedMeter;

    /// <summary>Times a generator found the clock behind its last id (whatever the policy then did).</summary>
    public static readonly Counter<long> ClockBehind = Meter.CreateCounter<long>(
        "distkit.ids.clock_behind", unit: "{event}", description: "Times a generator found the wall clock behind its last issued id.");

    /// <summary>Times a tick's sequence ran out and callers waited for the next tick.</summary>
    public static readonly Counter<long> SequenceExhausted = Meter.CreateCounter<long>(
        "distkit.ids.sequence_exhausted", unit: "{event}", description: "Times a tick's sequence ran out and callers waited for the next tick.");

    /// <summary>Times the persisted time mark was moved forward.</summary>
    public static readonly Counter<long> TimeMarkWrites = Meter.CreateCounter<long>(
        "distkit.ids.time_mark.writes", unit: "{write}", description: "Times a generator persisted its time mark.");
}
