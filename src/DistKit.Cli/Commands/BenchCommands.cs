using System.CommandLine;
using DistKit.Cli.Bench;

namespace DistKit.Cli.Commands;

/// <summary><c>distkit bench …</c>: end-to-end figures, with the reference measured in the same run.</summary>
internal sealed class BenchCommands : ICommandGroup
{
    public const string Description = "Measure DistKit end to end on this machine; every figure comes with its reference from the same run";

    public string Name => "bench";

    public Command Build()
    {
        var group = new Command(Name, Description);
        group.Subcommands.Add(IdsBench.Command());
        group.Subcommands.Add(LocksBench.Command());
        group.Subcommands.Add(JobsBench.Command());
        group.Subcommands.Add(ConfigBench.Command());
        group.Subcommands.Add(CliBench.Command());
        return group;
    }
}
