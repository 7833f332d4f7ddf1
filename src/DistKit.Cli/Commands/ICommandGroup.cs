using System.CommandLine;

namespace DistKit.Cli.Commands;

/// <summary>
/// A top-level command or command group (<c>serve</c>, <c>id …</c>, <c>lock …</c>). Add one by
/// implementing this and listing it in <see cref="DistKitCli"/>; build its options with
/// <see cref="Conventions.CliOptions"/> and <see cref="Conventions.NodeConnection"/>, and set its
/// actions through <see cref="Conventions.CommandRunner"/>.
/// </summary>
internal interface ICommandGroup
{
    /// <summary>The top-level command's name, known without building it: only the group a command line names is built.</summary>
    string Name { get; }

    Command Build();
}
