using System.CommandLine;
using DistKit.Cli.Conventions;
using DistKit.Server;
using DistKit.Server.Settings;

namespace DistKit.Cli.Commands;

/// <summary><c>distkit serve</c>: runs a node in the foreground until SIGTERM or Ctrl+C.</summary>
internal sealed class ServeCommand : ICommandGroup
{
    public const string Description = "Run a DistKit node: the HTTP API under /v1, on embedded engines unless configured otherwise";

    public string Name => "serve";

    public Command Build()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Where embedded engines keep their files (env DISTKIT_DATA_DIR; default ./data)" };
        var urls = new Option<string?>("--urls") { Description = $"Addresses to listen on, ';'-separated (env DISTKIT_URLS; default {NodeSettings.DefaultUrls})" };
        var searchUrls = new Option<string?>("--search-urls") { Description = "Addresses of the Elasticsearch-compatible search API, ';'-separated, or 'none' (env DISTKIT_SEARCH_URLS; default http://127.0.0.1:9200)" };
        var config = new Option<string?>("--config") { Description = $"Settings file (env DISTKIT_CONFIG; default ./{NodeSettingsLoader.DefaultConfigFile} when present)" };

        var command = new Command(Name, Description);
        command.Options.Add(dataDir);
        command.Options.Add(urls);
        command.Options.Add(searchUrls);
        command.Options.Add(config);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var settings = NodeSettingsLoader.Load(
                new NodeSettingsLoader.Flags
                {
                    DataDir = parseResult.GetValue(dataDir),
                    Urls = parseResult.GetValue(urls),
                    SearchUrls = parseResult.GetValue(searchUrls),
                    ConfigFile = parseResult.GetValue(config),
                },
                NodeSettingsLoader.ProcessEnvironment());

            await DistKitNode.RunAsync(settings, cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
