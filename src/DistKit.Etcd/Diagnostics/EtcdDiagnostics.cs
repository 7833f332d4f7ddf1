using DistKit.Core.Diagnostics;

namespace DistKit.Etcd.Diagnostics;

/// <summary>DistKit.Etcd's telemetry: the <c>DistKit.Etcd</c> meter and activity source.</summary>
public static class EtcdDiagnostics
{
    /// <summary>The meter and activity source name.</summary>
    public const string Name = "DistKit.Etcd";

    /// <summary>The package's meter, activity source and instruments.</summary>
    public static EngineTelemetry Telemetry { get; } = new(Name, "etcd", typeof(EtcdDiagnostics).Assembly);

    internal static void EngineError(string engine) => Telemetry.EngineError(engine);

    internal static System.Diagnostics.Activity? Start(string operation, string name) => Telemetry.Start(operation, name);
}
