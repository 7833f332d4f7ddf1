using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistKit.Locks.Diagnostics;

/// <summary>
/// The locks capability's telemetry: the <c>DistKit.Locks</c> meter (from the app's
/// <see cref="IMeterFactory"/> when it has one) and activity source, and its logger. Made once per
/// app by <c>AddLocks()</c>, which records through it for whichever engine serves the locks.
/// </summary>
public sealed class LocksTelemetry
{
    /// <summary>The meter, activity source and logger category name.</summary>
    public const string Name = "DistKit.Locks";

    private static readonly string? Version = typeof(LocksTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>The package's activity source: one <c>lock acquire</c> span per acquire.</summary>
    public static ActivitySource Source { get; } = new(Name, Version);

    /// <summary>Creates the instruments on <paramref name="meters"/> (a meter of its own when null) and logs to <paramref name="loggers"/>.</summary>
    public LocksTelemetry(IMeterFactory? meters = null, ILoggerFactory? loggers = null)
    {
        var meter = meters?.Create(Name, Version) ?? new Meter(Name, Version);
        AcquireDuration = meter.CreateHistogram<double>(
            "distkit.lock.acquire.duration", "s", "How long a try-lock (no wait) took to answer, by backend and outcome (acquired, refused, error, cancelled).");
        WaitDuration = meter.CreateHistogram<double>(
            "distkit.lock.wait.duration", "s", "How long an acquire with a wait waited until it got the lock or gave up, by backend and outcome.");
        Losses = meter.CreateCounter<long>(
            "distkit.lock.losses", "{lock}", "Locks lost while held, by backend and reason (renewal_refused, validity_expired, session_ended).");
        Logger = loggers?.CreateLogger(Name) ?? NullLogger.Instance;
    }

    internal Histogram<double> AcquireDuration { get; }

    internal Histogram<double> WaitDuration { get; }

    internal Counter<long> Losses { get; }

    internal ILogger Logger { get; }
}
