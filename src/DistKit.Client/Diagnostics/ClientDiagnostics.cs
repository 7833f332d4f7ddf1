using DistKit.Core.Diagnostics;

namespace DistKit.Client.Diagnostics;

/// <summary>DistKit.Client's telemetry: the <c>DistKit.Client</c> meter and activity source.</summary>
public static class ClientDiagnostics
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "DistKit.Client";

    /// <summary>The package's meter, activity source and instruments.</summary>
    public static EngineTelemetry Telemetry { get; } = new(Name, "distkit", typeof(ClientDiagnostics).Assembly);

    internal static void EngineError(string engine) => Telemetry.EngineError(engine);
}
