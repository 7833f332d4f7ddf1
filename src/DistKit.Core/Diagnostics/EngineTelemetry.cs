using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace DistKit.Core.Diagnostics;

/// <summary>
/// An engine package's telemetry: one meter and one activity source, both named after the package
/// (<c>DistKit.Redis</c>, …), with the instruments every engine reports. OpenTelemetry takes every
/// DistKit package's with <c>AddMeter("DistKit.*")</c> and <c>AddSource("DistKit.*")</c>.
/// </summary>
public sealed class EngineTelemetry
{
    private readonly Counter<long> _engineErrors;
    private readonly string _system;

    /// <summary>Creates the package's meter and source; <paramref name="system"/> is the <c>db.system</c> tag of its spans.</summary>
    public EngineTelemetry(string packageName, string system, Assembly package)
    {
        ArgumentException.ThrowIfNullOrEmpty(packageName);
        ArgumentNullException.ThrowIfNull(package);
        var version = package.GetName().Version?.ToString();
        Name = packageName;
        _system = system;
        Meter = new Meter(packageName, version);
        Source = new ActivitySource(packageName, version);
        _engineErrors = Meter.CreateCounter<long>(
            "distkit.engine.errors", "{error}", "Calls the engine did not answer (turned into EngineUnavailableException), by engine.");
    }

    /// <summary>The meter and activity source name.</summary>
    public string Name { get; }

    /// <summary>The package's meter.</summary>
    public Meter Meter { get; }

    /// <summary>The package's activity source: a span per lease or lock acquire on the engine.</summary>
    public ActivitySource Source { get; }

    /// <summary>Counts a call <paramref name="engine"/> did not answer.</summary>
    public void EngineError(string engine) =>
        _engineErrors.Add(1, new KeyValuePair<string, object?>("engine", engine));

    /// <summary>Starts a client span for <paramref name="operation"/> on the name <paramref name="name"/>, or null when no one listens.</summary>
    public Activity? Start(string operation, string name)
    {
        var activity = Source.StartActivity(operation, ActivityKind.Client);
        activity?.SetTag("db.system", _system);
        activity?.SetTag("distkit.name", name);
        return activity;
    }
}
