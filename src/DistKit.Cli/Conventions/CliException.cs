using DistKit.Core;

namespace DistKit.Cli.Conventions;

/// <summary>A failure a command reports as one line on stderr and a chosen exit code.</summary>
public sealed class CliException : DistKitException
{
    /// <summary>Creates the exception.</summary>
    public CliException(int exitCode, string message) : base(message) => ExitCode = exitCode;

    /// <summary>The process exit code, one of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; }
}
