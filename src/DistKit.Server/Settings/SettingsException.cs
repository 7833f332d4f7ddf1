using DistKit.Core;

namespace DistKit.Server.Settings;

/// <summary>A setting is missing, malformed or inconsistent; the node does not start.</summary>
/// <remarks>The message is one line naming the setting and where it can be set.</remarks>
public sealed class SettingsException : DistKitException
{
    /// <summary>Creates the exception for one setting.</summary>
    public SettingsException(string setting, string problem)
        : base($"setting '{setting}': {problem}") => Setting = setting;

    /// <summary>The setting's key, as written in <c>distkit.json</c>.</summary>
    public string Setting { get; }
}
