using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace DistKit.Redis.Diagnostics;

/// <summary>
/// DistKit.Redis's telemetry: the <c>DistKit.Redis</c> meter and activity source (OpenTelemetry takes
/// every DistKit package's with <c>AddMeter("DistKit.*")</c> and <c>AddSource("DistKit.*")</c>).
/// </summary>
public static class RedisDiagnostics
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "DistKit.Redis";

    private static readonly string? Version = typeof(RedisDiagnostics).Assembly.GetName().Version?.ToString();

    /// <summary>The package's meter.</summary>
    public static Meter Meter { get; } = new(Name, Version);

    /// <summary>The package's activity source: a span per lease or lock acquire on the engine.</summary>
    public static ActivitySource Source { get; } = new(Name, Version);

    private static readonly Counter<long> EngineErrors = Meter.CreateCounter<long>(
        "distkit.engine.errors", "{error}", "Calls the engine did not answer (turned into EngineUnavailableException), by engine.");

    /// <summary>Counts a call <paramref name="engine"/> did not answer.</summary>
    internal static void EngineError(string engine) =>
        EngineErrors.Add(1, new KeyValuePair<string, object?>("engine", engine));

    /// <summary>Starts a client span for an operation on the engine, or null when no one listens.</summary>
    internal static Activity? Start(string operation, string name)
    {
        var activity = Source.StartActivity(operation, ActivityKind.Client);
        activity?.SetTag("db.system", "redis");
        activity?.SetTag("distkit.name", name);
        return activity;
    }
}
