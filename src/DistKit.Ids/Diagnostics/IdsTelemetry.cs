using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistKit.Ids.Diagnostics;

/// <summary>
/// The IDs capability's telemetry: the <c>DistKit.Ids</c> meter (from the app's
/// <see cref="IMeterFactory"/> when it has one) and activity source, and its logger.
/// <c>AddIds()</c> makes one per app; a <see cref="ManagedIdGenerator"/> built by hand reports
/// through <see cref="Default"/> unless given another.
/// </summary>
public sealed class IdsTelemetry
{
    /// <summary>The meter, activity source and logger category name.</summary>
    public const string Name = "DistKit.Ids";

    private static readonly string? Version = typeof(IdsTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>The package's activity source: one <c>worker id acquire</c> span per attempt.</summary>
    public static ActivitySource Source { get; } = new(Name, Version);

    /// <summary>The meter used where no <see cref="IMeterFactory"/> is at hand: by <see cref="Default"/> and by generators (clock and sequence events).</summary>
    public static Meter SharedMeter { get; } = new(Name, Version);

    /// <summary>Telemetry on <see cref="SharedMeter"/>, logging nowhere.</summary>
    public static IdsTelemetry Default { get; } = new();

    /// <summary>Creates the instruments on <paramref name="meters"/> (<see cref="SharedMeter"/> when null) and logs to <paramref name="loggers"/>.</summary>
    public IdsTelemetry(IMeterFactory? meters = null, ILoggerFactory? loggers = null)
    {
        var meter = meters?.Create(Name, Version) ?? SharedMeter;
        Acquisitions = meter.CreateCounter<long>(
            "distkit.ids.worker.acquisitions", "{attempt}", "Attempts to acquire a worker id, by layout and outcome (acquired, unavailable).");
        Losses = meter.CreateCounter<long>(
            "distkit.ids.worker.losses", "{worker}", "Worker ids lost while held, by layout and reason.");
        Logger = loggers?.CreateLogger(Name) ?? NullLogger.Instance;
    }

    internal Counter<long> Acquisitions { get; }

    internal Counter<long> Losses { get; }

    internal ILogger Logger { get; }
}
