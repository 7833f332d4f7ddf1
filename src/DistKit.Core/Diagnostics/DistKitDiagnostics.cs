using System.Diagnostics;
using System.Diagnostics.Metrics;
using DistKit.Core.Leases;

namespace DistKit.Core.Diagnostics;

/// <summary>
/// DistKit.Core's telemetry: the <c>DistKit.Core</c> meter and activity source. Every DistKit
/// package has its own, named after the package; OpenTelemetry takes them all with
/// <c>AddMeter("DistKit.*")</c> and <c>AddSource("DistKit.*")</c>.
/// </summary>
public static class DistKitDiagnostics
{
    /// <summary>The meter and activity source name of this package.</summary>
    public const string Name = "DistKit.Core";

    private static readonly string? Version = typeof(DistKitDiagnostics).Assembly.GetName().Version?.ToString();

    /// <summary>The package's meter.</summary>
    public static Meter Meter { get; } = new(Name, Version);

    /// <summary>The package's activity source.</summary>
    public static ActivitySource Source { get; } = new(Name, Version);

    private static readonly Counter<long> LeaseLosses = Meter.CreateCounter<long>(
        "distkit.lease.losses", "{lease}", "Leases that stopped being their holder's while held, by engine and reason (renewal_refused, validity_expired, session_ended).");

    private static readonly Counter<long> RenewalFailures = Meter.CreateCounter<long>(
        "distkit.lease.renewal.failures", "{renewal}", "Renewals that did not reach the engine (retried while the lease is valid), by engine.");

    /// <summary>The snake_case form of <paramref name="reason"/> used in tags and logs.</summary>
    public static string Describe(LeaseLossReason reason) => reason switch
    {
        LeaseLossReason.RenewalRefused => "renewal_refused",
        LeaseLossReason.ValidityExpired => "validity_expired",
        LeaseLossReason.SessionEnded => "session_ended",
        LeaseLossReason.Released => "released",
        _ => "none",
    };

    /// <summary>Counts a lease lost while held.</summary>
    public static void LeaseLost(string engine, LeaseLossReason reason) =>
        LeaseLosses.Add(1, new KeyValuePair<string, object?>("engine", engine), new KeyValuePair<string, object?>("reason", Describe(reason)));

    /// <summary>Counts a renewal that failed in transit.</summary>
    public static void RenewalFailed(string engine) =>
        RenewalFailures.Add(1, new KeyValuePair<string, object?>("engine", engine));
}
