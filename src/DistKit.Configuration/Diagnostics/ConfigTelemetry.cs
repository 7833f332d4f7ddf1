using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistKit.Configuration.Diagnostics;

/// <summary>
/// The configuration capability's telemetry: the <c>DistKit.Configuration</c> meter (from the app's
/// <see cref="IMeterFactory"/> when it has one) and activity source, and its logger.
/// </summary>
public sealed class ConfigTelemetry
{
    /// <summary>The meter, activity source and logger category name.</summary>
    public const string Name = "DistKit.Configuration";

    private static readonly string? Version = typeof(ConfigTelemetry).Assembly.GetName().Version?.ToString();

    private readonly Counter<long> _releases;
    private readonly Counter<long> _rejected;
    private readonly UpDownCounter<long> _watchers;
    private readonly Histogram<double> _propagation;

    /// <summary>The package's activity source: one <c>config publish</c> span per release.</summary>
    public static ActivitySource Source { get; } = new(Name, Version);

    /// <summary>Creates the instruments on <paramref name="meters"/> (a meter of its own when null) and logs to <paramref name="loggers"/>.</summary>
    public ConfigTelemetry(IMeterFactory? meters = null, ILoggerFactory? loggers = null)
    {
        var meter = meters?.Create(Name, Version) ?? new Meter(Name, Version);
        _releases = meter.CreateCounter<long>("distkit.config.releases", "{release}", "Releases published, by kind (publish, rollback).");
        _rejected = meter.CreateCounter<long>("distkit.config.rejected", "{change}", "Changes refused before publish, by reason (invalid, conflict).");
        _watchers = meter.CreateUpDownCounter<long>("distkit.config.watchers", "{watcher}", "Watchers connected to this process.");
        _propagation = meter.CreateHistogram<double>(
            "distkit.config.propagation", "s", "From a release's publish to a watcher receiving it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        Logger = loggers?.CreateLogger(Name) ?? NullLogger.Instance;
    }

    /// <summary>The capability's logger.</summary>
    public ILogger Logger { get; }

    internal void Released(ReleaseKind kind) => _releases.Add(1, new KeyValuePair<string, object?>("kind", kind == ReleaseKind.Rollback ? "rollback" : "publish"));

    internal void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    internal void WatcherChanged(int delta) => _watchers.Add(delta);

    internal void Propagated(TimeSpan elapsed) => _propagation.Record(elapsed.TotalSeconds);
}
