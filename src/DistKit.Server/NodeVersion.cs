using System.Reflection;

namespace DistKit.Server;

/// <summary>The version the node and CLI report.</summary>
public static class NodeVersion
{
    /// <summary>The informational version without build metadata (<c>0.1.0</c>).</summary>
    public static string Current { get; } = Read();

    private static string Read()
    {
        var version = typeof(NodeVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? version[..plus] : version;
    }
}
