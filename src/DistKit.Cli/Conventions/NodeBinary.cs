using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace DistKit.Cli.Conventions;

/// <summary>
/// The natively compiled CLI ships as two programs side by side: <c>distkit</c>, which runs the
/// commands used in scripts (<c>id</c>, <c>lock</c>, <c>info</c>), and <c>distkit-node</c>, which also
/// holds the node and the benchmarks (ASP.NET Core, the peers). A native start pays for every type
/// in its image — about 10 ms more with the node in it — so <c>distkit serve</c> and
/// <c>distkit bench</c> replace the small program with the big one (same process, same
/// arguments). Built any other way (JIT, the dotnet tool), one program runs everything itself.
/// </summary>
internal static partial class NodeBinary
{
    private const string Switch = "DistKit.Cli.NodeCommandsInProcess";

    /// <summary>The program name of the big half.</summary>
    public const string FileName = "distkit-node";

    /// <summary>Whether this program runs <c>serve</c> and <c>bench</c> itself; false only in the small native <c>distkit</c>, where the trimmer then drops them.</summary>
    [FeatureSwitchDefinition(Switch)]
    public static bool InProcess => !AppContext.TryGetSwitch(Switch, out var enabled) || enabled;

    /// <summary>Replaces this process with <c>distkit-node</c> and the same arguments; returns only if that failed.</summary>
    public static string Exec(string[] args)
    {
        var path = Path.Combine(AppContext.BaseDirectory, FileName);
        if (!File.Exists(path))
        {
            return $"'{path}' is missing: the native distkit needs {FileName} beside it (dotnet publish src/DistKit.Cli/DistKit.Cli.csproj makes both)";
        }

        var argv = new nint[args.Length + 2];
        try
        {
            argv[0] = Marshal.StringToCoTaskMemUTF8(path);
            for (var i = 0; i < args.Length; i++)
            {
                argv[i + 1] = Marshal.StringToCoTaskMemUTF8(args[i]);
            }

            _ = Execv(path, argv);
            return $"cannot start {path} (errno {Marshal.GetLastPInvokeError()})";
        }
        finally
        {
            foreach (var arg in argv)
            {
                Marshal.FreeCoTaskMem(arg);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execv(string path, nint[] argv);
}
