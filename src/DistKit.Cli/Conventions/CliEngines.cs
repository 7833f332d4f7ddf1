using DistKit.Server.Settings;

namespace DistKit.Cli.Conventions;

/// <summary>
/// Engine addresses for commands that use an engine directly: the same settings as the node
/// (<c>distkit.json</c>, then <c>DISTKIT_REDIS</c>, <c>DISTKIT_ETCD</c>, <c>DISTKIT_POSTGRES</c>, …).
/// </summary>
public static class CliEngines
{
    /// <summary>The configured engine connection strings.</summary>
    /// <exception cref="SettingsException">A setting is wrong; reported as one line with exit 78.</exception>
    public static EngineSettings Settings() =>
        NodeSettingsLoader.Load(new NodeSettingsLoader.Flags(), NodeSettingsLoader.ProcessEnvironment()).Engines;
}
