using DistKit.Core.Diagnostics;

namespace DistKit.Redis.Diagnostics;

/// <summary>DistKit.Redis's telemetry: the <c>DistKit.Redis</c> meter and activity source.</summary>
public static class RedisDiagnostics
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "DistKit.Redis";

    /// <summary>The package's meter, activity source and instruments.</summary>
    public static EngineTelemetry Telemetry { get; } = new(Name, "redis", typeof(RedisDiagnostics).Assembly);

    internal static void EngineError(string engine) => Telemetry.EngineError(engine);

    internal static System.Diagnostics.Activity? Start(string operation, string name) => Telemetry.Start(operation, name);
}
