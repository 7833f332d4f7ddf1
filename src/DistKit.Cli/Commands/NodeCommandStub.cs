using System.CommandLine;
using DistKit.Cli.Conventions;

namespace DistKit.Cli.Commands;

/// <summary>
/// <c>serve</c> or <c>bench</c> in the small native <c>distkit</c>: listed in its help, and run by
/// handing the whole command line to <c>distkit-node</c> (see <see cref="NodeBinary"/>).
/// </summary>
internal sealed class NodeCommandStub(string name, string description) : ICommandGroup
{
    public string Name => name;

    public Command Build()
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(parseResult =>
        {
            parseResult.InvocationConfiguration.Error.WriteLine($"distkit: {NodeBinary.Exec(Environment.GetCommandLineArgs()[1..])}");
            return ExitCodes.Unavailable;
        });
        return command;
    }
}
