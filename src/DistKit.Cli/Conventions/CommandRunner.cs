using System.CommandLine;
using DistKit.Client;
using DistKit.Core;
using DistKit.Server;
using DistKit.Server.Settings;

namespace DistKit.Cli.Conventions;

/// <summary>
/// Runs a command's action and turns every failure into one line on stderr and an exit code,
/// so no command prints a stack trace (set <c>DISTKIT_DEBUG=1</c> to see one).
/// </summary>
public static class CommandRunner
{
    /// <summary>Sets <paramref name="action"/> as the command's action, wrapped in the shared error handling.</summary>
    public static void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(action);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var stderr = parseResult.InvocationConfiguration.Error;
            try
            {
                return await action(parseResult, cancellationToken);
            }
            catch (Exception e)
            {
                var (code, message) = Describe(e, parseResult, cancellationToken);
                await stderr.WriteLineAsync($"distkit: {message}");
                if (Environment.GetEnvironmentVariable("DISTKIT_DEBUG") == "1")
                {
                    await stderr.WriteLineAsync(e.ToString());
                }

                return code;
            }
        });
    }

    private static (int Code, string Message) Describe(Exception e, ParseResult parseResult, CancellationToken cancellationToken) => e switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        SettingsException settings => (ExitCodes.Config, settings.Message),
        Microsoft.Extensions.Options.OptionsValidationException options => (ExitCodes.Config, OneLine(options.Failures.FirstOrDefault() ?? options.Message)),
        NodeStartupException startup => (ExitCodes.Unavailable, startup.Message),
        NodeApiException api => (ExitCodeFor(api.Status), $"{api.Message} ({api.Code})"),
        Configuration.Http.ConfigNodeException { Status: 0 } config => (ExitCodes.Unavailable, $"{OneLine(config.Message)} (is 'distkit serve' running? --node or DISTKIT_NODE)"),
        Configuration.Http.ConfigNodeException config => (ExitCodeFor(config.Status), $"{OneLine(config.Message)} ({config.Code})"),
        HttpRequestException http => (ExitCodes.Unavailable, $"cannot reach the node: {OneLine(http.Message)} (is 'distkit serve' running? --node or DISTKIT_NODE)"),
        EngineUnavailableException { Engine: NodeClient.Engine } node => (ExitCodes.Unavailable, $"{OneLine(node.InnerException?.Message ?? node.Message)} (is 'distkit serve' running? --node or DISTKIT_NODE)"),
        TaskCanceledException when !cancellationToken.IsCancellationRequested => (ExitCodes.Unavailable, "the node did not answer in time"),
        OperationCanceledException => (ExitCodes.Interrupted, "interrupted"),
        DistKitException { IsTransient: true } down => (ExitCodes.Unavailable, OneLine(down.Message) + "; try again once it is back"),
        DistKitException dk => (ExitCodes.Failure, OneLine(dk.Message)),
        _ => (ExitCodes.Internal, $"internal error in '{parseResult.CommandResult.Command.Name}': {e.GetType().Name}: {OneLine(e.Message)} (DISTKIT_DEBUG=1 shows the stack)"),
    };

    private static int ExitCodeFor(int status) => status switch
    {
        400 or 404 or 413 or 422 => ExitCodes.DataError,
        401 or 403 => ExitCodes.NoPermission,
        409 or 429 => ExitCodes.TempFail,
        >= 500 => ExitCodes.Unavailable,
        _ => ExitCodes.Failure,
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
