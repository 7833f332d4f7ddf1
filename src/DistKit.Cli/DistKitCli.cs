using System.CommandLine;
using DistKit.Cli.Commands;
using DistKit.Cli.Conventions;

namespace DistKit.Cli;

/// <summary>The <c>distkit</c> command line: builds the command tree and runs it.</summary>
public static class DistKitCli
{
    // Every top-level command or group; a new capability adds its group here.
    private static IEnumerable<ICommandGroup> Groups() =>
    [
        NodeBinary.InProcess ? new ServeCommand() : new NodeCommandStub("serve", ServeCommand.Description),
        new InfoCommand(),
        new IdCommands(),
        new LockCommands(),
        new JobCommands(),
        new ConfigCommands(),
        new BalanceCommands(),
        NodeBinary.InProcess ? new BenchCommands() : new NodeCommandStub("bench", BenchCommands.Description),
    ];

    /// <summary>
    /// Builds the root command: with <paramref name="only"/> naming a group, that group alone (a
    /// start builds no command it will not run); otherwise every group, for help and errors.
    /// </summary>
    public static RootCommand BuildRoot(string? only = null)
    {
        var root = new RootCommand("DistKit: IDs, locks, delayed jobs, search, load balancing, configuration and crawling, on one machine or on the engines you run");
        var groups = Groups().ToList();
        var named = groups.Where(g => g.Name == only).ToList();
        foreach (var group in named.Count == 1 ? named : groups)
        {
            root.Subcommands.Add(group.Build());
        }

        return root;
    }

    private static string CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? at = result; at is not null; at = at.Parent)
        {
            if (at is System.CommandLine.Parsing.CommandResult command)
            {
                names.Insert(0, command.Parent is null ? "distkit" : command.Command.Name);
            }
        }

        return string.Join(' ', names);
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var root = BuildRoot(args.FirstOrDefault(a => !a.StartsWith('-')));
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // One line, not the parser's full help page: the help is one --help away.
            var command = CommandPath(parseResult.CommandResult);
            var message = string.Join(' ', parseResult.Errors[0].Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await stderr.WriteLineAsync($"distkit: {message} (see '{command} --help')");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // The node shuts down gracefully on SIGTERM/Ctrl+C through the token; give it the host's shutdown time.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(20),
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken);
    }
}
