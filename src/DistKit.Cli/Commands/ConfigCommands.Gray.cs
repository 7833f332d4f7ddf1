using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DistKit.Cli.Conventions;
using DistKit.Configuration.Http;
using DistKit.Configuration.Watching;

namespace DistKit.Cli.Commands;

internal sealed partial class ConfigCommands
{
    private static Command Gray()
    {
        var group = new Command("gray", "Release a value to some clients first (by labels or a share of client ids), then promote it to all or abandon it");
        group.Subcommands.Add(GrayStart());
        group.Subcommands.Add(GrayEnd(promote: true));
        group.Subcommands.Add(GrayEnd(promote: false));
        group.Subcommands.Add(GrayShow());
        return group;
    }

    private static Command GrayStart()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var key = KeyArgument();
        var input = new ConfigValueInput("gray value", typed: true);
        var labels = new Option<string?>("--labels") { Description = "Clients with all these labels: zone=eu,canary=true" };
        var percent = new Option<int?>("--percent") { Description = "Clients whose id hashes into this share, 1 to 100 (stable: the same clients each time)" };
        var message = Message();
        var author = Author();
        var command = new Command("start", "Start a gray release of one key; prints its revision");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Arguments.Add(key);
        input.AddTo(command);
        foreach (var option in new Option[] { labels, percent, message, author, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var (space, name) = Keyed(parseResult.GetValue(ns), parseResult.GetValue(key));
            var (text, type) = await input.ReadAsync(parseResult, cancellationToken);
            var given = Labels(parseResult.GetValue(labels));
            var share = parseResult.GetValue(percent);
            if (given.Count == 0 && share is null)
            {
                throw new CliException(ExitCodes.Usage, "give --labels, --percent or both: which clients get the gray value");
            }

            using var http = new HttpClient();
            var release = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult))
                .StartGrayAsync(space, name, type, text, given, share, parseResult.GetValue(message), parseResult.GetValue(author), cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(parseResult.GetValue(json)
                ? JsonSerializer.Serialize(release, ConfigJsonContext.Default.ReleaseView)
                : $"gray release at revision {release.Revision}: {name} for {Describe(release.Target)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command GrayEnd(bool promote)
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var message = Message();
        var author = Author();
        var command = new Command(promote ? "promote" : "abandon",
            promote ? "Publish the gray values to every client, ending the gray release" : "End the gray release: its clients get the namespace's own values back");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        foreach (var option in new Option[] { message, author, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var space = Names(parseResult.GetValue(ns), null).Namespace;
            using var http = new HttpClient();
            var release = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult))
                .EndGrayAsync(space, promote, parseResult.GetValue(message), parseResult.GetValue(author), cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(parseResult.GetValue(json)
                ? JsonSerializer.Serialize(release, ConfigJsonContext.Default.ReleaseView)
                : $"{(promote ? "promoted" : "abandoned")} at revision {release.Revision}: {string.Join(", ", release.Changes.Select(c => c.Key))}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command GrayShow()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var command = new Command("show", "Show the gray release in progress and the clients it has reached through this node");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var space = Names(parseResult.GetValue(ns), null).Namespace;
            using var http = new HttpClient();
            var status = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult)).GrayAsync(space, cancellationToken);
            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(status, ConfigJsonContext.Default.GrayStatus));
                return ExitCodes.Ok;
            }

            if (status.Gray is not { } gray)
            {
                await stdout.WriteLineAsync($"no gray release in {space}");
                return ExitCodes.Ok;
            }

            await stdout.WriteLineAsync($"gray release at revision {gray.Revision} by {gray.Author} for {Describe(gray.Target)}: {string.Join(", ", gray.Changes.Select(c => c.Key))}");
            foreach (var seen in status.SeenBy)
            {
                await stdout.WriteLineAsync($"  {seen.Client}  {seen.Host}  {string.Join(",", seen.Labels.Select(l => $"{l.Key}={l.Value}"))}  {seen.At:yyyy-MM-ddTHH:mm:ssZ}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Dictionary<string, string> Labels(string? text) =>
        WatcherInfo.TryParseLabels(text, out var labels, out var bad)
            ? labels
            : throw new CliException(ExitCodes.Usage, $"--labels: '{bad}' is not name=value (each name once)");

    private static string Describe(GrayTargetView? target) =>
        target is null ? "everyone"
        : string.Join(" and ", new[]
        {
            target.Labels is { Count: > 0 } labels ? string.Join(",", labels.Select(l => $"{l.Key}={l.Value}")) : null,
            target.Percent is { } percent ? percent.ToString(CultureInfo.InvariantCulture) + "% of client ids" : null,
        }.Where(part => part is not null));
}
