using System.CommandLine;
using System.Text.Json;
using DistKit.Cli.Conventions;

namespace DistKit.Cli.Commands;

/// <summary><c>distkit info</c>: what a running node is and which engine serves each capability.</summary>
internal sealed class InfoCommand : ICommandGroup
{
    public string Name => "info";

    public Command Build()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var command = new Command(Name, "Show a running node's version, data directory and the engine behind each capability");
        connection.AddTo(command);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            using var client = connection.CreateClient(parseResult);
            var info = await client.GetInfoAsync(cancellationToken);
            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(info, CliJsonContext.Default.NodeInfo));
                return ExitCodes.Ok;
            }

            await stdout.WriteLineAsync($"node      {client.BaseAddress}");
            await stdout.WriteLineAsync($"version   {info.Version}");
            await stdout.WriteLineAsync($"data dir  {info.DataDir}");
            await stdout.WriteLineAsync($"tokens    {(info.TokensRequired ? "required" : "not required")}");
            foreach (var (capability, engine) in info.Capabilities)
            {
                await stdout.WriteLineAsync($"{capability,-14}{engine}");
            }

            var configured = info.Engines.Where(e => e.Value).Select(e => e.Key).ToList();
            await stdout.WriteLineAsync($"engines   {(configured.Count == 0 ? "none configured" : string.Join(", ", configured))}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
