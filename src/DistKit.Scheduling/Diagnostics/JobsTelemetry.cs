using System.Diagnostics;
using System.Diagnostics.Metrics;
using DistKit.Scheduling.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistKit.Scheduling.Diagnostics;

/// <summary>
/// The delayed-jobs capability's telemetry: the <c>DistKit.Scheduling</c> meter (from the app's
/// <see cref="IMeterFactory"/> when it has one) and activity source, and its logger.
/// </summary>
public sealed class JobsTelemetry
{
    /// <summary>The meter, activity source and logger category name.</summary>
    public const string Name = "DistKit.Scheduling";

    private static readonly string? Version = typeof(JobsTelemetry).Assembly.GetName().Version?.ToString();

    private readonly Counter<long> _scheduled;
    private readonly Counter<long> _fired;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _dead;
    private readonly Histogram<double> _lateness;
    private readonly UpDownCounter<long> _shards;

    /// <summary>The package's activity source: one <c>job deliver</c> span per delivery.</summary>
    public static ActivitySource Source { get; } = new(Name, Version);

    /// <summary>Creates the instruments on <paramref name="meters"/> (a meter of its own when null) and logs to <paramref name="loggers"/>.</summary>
    public JobsTelemetry(IMeterFactory? meters = null, ILoggerFactory? loggers = null)
    {
        var meter = meters?.Create(Name, Version) ?? new Meter(Name, Version);
        _scheduled = meter.CreateCounter<long>("distkit.jobs.scheduled", "{job}", "Jobs scheduled, by outcome (created, replaced, existing).");
        _fired = meter.CreateCounter<long>("distkit.jobs.fired", "{delivery}", "Deliveries started, by target kind.");
        _failed = meter.CreateCounter<long>("distkit.jobs.failed", "{delivery}", "Deliveries that failed (retried or dead), by target kind.");
        _dead = meter.CreateCounter<long>("distkit.jobs.dead", "{job}", "Jobs that failed their last attempt, by target kind.");
        _lateness = meter.CreateHistogram<double>(
            "distkit.jobs.lateness", "s", "From a job's due time to its first delivery's start, by target kind.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _shards = meter.CreateUpDownCounter<long>("distkit.jobs.shards.owned", "{shard}", "Shards this process owns and fires.");
        Logger = loggers?.CreateLogger(Name) ?? NullLogger.Instance;
    }

    internal ILogger Logger { get; }

    internal void Scheduled(ScheduleOutcome outcome) =>
        _scheduled.Add(1, new KeyValuePair<string, object?>("outcome", outcome switch
        {
            ScheduleOutcome.Created => "created",
            ScheduleOutcome.Replaced => "replaced",
            _ => "existing",
        }));

    internal void Fired(Job job, TimeSpan? lateness)
    {
        var kind = new KeyValuePair<string, object?>("target", job.Target.KindName);
        _fired.Add(1, kind);
        if (lateness is { } late && _lateness.Enabled)
        {
            _lateness.Record(Math.Max(0, late.TotalSeconds), kind);
        }
    }

    internal void Failed(Job job, bool dead)
    {
        var kind = new KeyValuePair<string, object?>("target", job.Target.KindName);
        _failed.Add(1, kind);
        if (dead)
        {
            _dead.Add(1, kind);
        }
    }

    internal void ShardsChanged(int delta) => _shards.Add(delta);
}
