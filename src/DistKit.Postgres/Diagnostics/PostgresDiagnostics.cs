using DistKit.Core.Diagnostics;

namespace DistKit.Postgres.Diagnostics;

/// <summary>DistKit.Postgres's telemetry: the <c>DistKit.Postgres</c> meter and activity source.</summary>
public static class PostgresDiagnostics
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "DistKit.Postgres";

    /// <summary>The package's meter, activity source and instruments.</summary>
    public static EngineTelemetry Telemetry { get; } = new(Name, "postgres", typeof(PostgresDiagnostics).Assembly);

    internal static void EngineError(string engine) => Telemetry.EngineError(engine);

    internal static System.Diagnostics.Activity? Start(string operation, string name) => Telemetry.Start(operation, name);
}
