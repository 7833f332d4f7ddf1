using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DistKit.Balancing.Diagnostics;

/// <summary>
/// The balancing capability's telemetry: the <c>DistKit.Balancing</c> meter (from the app's
/// <see cref="IMeterFactory"/> when it has one) and its logger.
/// </summary>
public sealed class BalancingTelemetry
{
    /// <summary>The meter and logger category name.</summary>
    public const string Name = "DistKit.Balancing";

    private static readonly string? Version = typeof(BalancingTelemetry).Assembly.GetName().Version?.ToString();

    private readonly Counter<long> _picks;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _ejections;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _retriesRefused;
    private readonly Counter<long> _updates;

    /// <summary>Creates the instruments on <paramref name="meters"/> (a meter of its own when null) and logs to <paramref name="loggers"/>.</summary>
    public BalancingTelemetry(IMeterFactory? meters = null, ILoggerFactory? loggers = null)
    {
        var meter = meters?.Create(Name, Version) ?? new Meter(Name, Version);
        _picks = meter.CreateCounter<long>("distkit.balancing.picks", "{call}", "Calls sent, by service and endpoint.");
        _failures = meter.CreateCounter<long>("distkit.balancing.failures", "{call}", "Calls that failed, by service and endpoint.");
        _ejections = meter.CreateCounter<long>("distkit.balancing.ejections", "{ejection}", "Endpoints ejected for failing, by service and endpoint.");
        _retries = meter.CreateCounter<long>("distkit.balancing.retries", "{retry}", "Retries sent to another endpoint, by service.");
        _retriesRefused = meter.CreateCounter<long>("distkit.balancing.retry_budget.exhausted", "{retry}", "Retries not sent because the retry budget was spent, by service.");
        _updates = meter.CreateCounter<long>("distkit.balancing.endpoint_updates", "{update}", "ServiceEndpoint lists received from discovery, by service.");
        Logger = loggers?.CreateLogger(Name) ?? NullLogger.Instance;
    }

    /// <summary>The capability's logger.</summary>
    public ILogger Logger { get; }

    internal void Picked(string service, string endpoint) =>
        _picks.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("endpoint", endpoint));

    internal void Failed(string service, string endpoint) =>
        _failures.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("endpoint", endpoint));

    internal void Ejected(string service, string endpoint, TimeSpan length)
    {
        _ejections.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("endpoint", endpoint));
        BalancingLog.Ejected(Logger, service, endpoint, length.TotalSeconds);
    }

    internal void Retried(string service) => _retries.Add(1, new KeyValuePair<string, object?>("service", service));

    internal void RetryRefused(string service) => _retriesRefused.Add(1, new KeyValuePair<string, object?>("service", service));

    internal void Updated(string service, int count)
    {
        _updates.Add(1, new KeyValuePair<string, object?>("service", service));
        BalancingLog.Updated(Logger, service, count);
    }
}

internal static partial class BalancingLog
{
    [LoggerMessage(5100, LogLevel.Warning, "Service {Service}: endpoint {Endpoint} ejected for {Seconds} s after failing in a row")]
    public static partial void Ejected(ILogger logger, string service, string endpoint, double seconds);

    [LoggerMessage(5101, LogLevel.Information, "Service {Service}: {Count} endpoints from discovery")]
    public static partial void Updated(ILogger logger, string service, int count);

    [LoggerMessage(5102, LogLevel.Warning, "Service {Service}: only {Healthy} of {Total} endpoints healthy, using all (panic)")]
    public static partial void Panic(ILogger logger, string service, int healthy, int total);

    [LoggerMessage(5103, LogLevel.Warning, "Service {Service}: discovery failed; keeping the {Count} endpoints known")]
    public static partial void DiscoveryFailed(ILogger logger, Exception error, string service, int count);
}
