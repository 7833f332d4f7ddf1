using System.CommandLine;
using System.Text;
using System.Text.Json;
using DistKit.Cli.Conventions;
using DistKit.Configuration;
using DistKit.Configuration.Http;
using DistKit.Configuration.Watching;

namespace DistKit.Cli.Commands;

internal sealed partial class ConfigCommands
{
    private static Command Watch()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var prefix = new Option<string?>("--prefix") { Description = "Only keys starting with this" };
        var from = new Option<long?>("--from") { Description = "Start after this revision (default: print the current values first)" };
        var command = new Command("watch", "Print each release of a namespace as it arrives, with its keys and values, until interrupted (--json: one object per line)");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Options.Add(prefix);
        command.Options.Add(from);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var space = Names(parseResult.GetValue(ns), null).Namespace;
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var client = new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult));
            var who = new WatcherInfo($"distkit-cli-{Environment.ProcessId}", Environment.MachineName, new Dictionary<string, string>(), DateTimeOffset.MinValue);
            var last = parseResult.GetValue(from);
            var asJson = parseResult.GetValue(json);
            var toldDown = false;
            while (true)
            {
                try
                {
                    await foreach (var e in client.WatchAsync(space, parseResult.GetValue(prefix), last, who, cancellationToken))
                    {
                        await stdout.WriteAsync(asJson ? JsonSerializer.Serialize(ConfigViews.Of(e), ConfigJsonContext.Default.ReleaseView) + "\n" : Describe(e));
                        await stdout.FlushAsync(cancellationToken);
                        last = e.Revision;
                        toldDown = false;
                    }
                }
                catch (ConfigNodeException e) when (e.IsTransient)
                {
                    // The node restarts or the store is briefly down: keep watching from the last
                    // revision printed, so nothing is missed or printed twice.
                    if (!toldDown)
                    {
                        await stderr.WriteLineAsync($"distkit: {e.Message.ReplaceLineEndings(" ")}; reconnecting from revision {last?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(start)"}");
                        toldDown = true;
                    }
                }
                catch (IOException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The stream broke mid-event; reconnect from the last revision printed.
                }

                await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, cancellationToken);
            }
        });
        return command;
    }

    private static string Describe(ConfigEvent e)
    {
        var text = new StringBuilder();
        if (e.IsSnapshot)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"revision {e.Revision} {e.Namespace}: current values ({e.Changes.Count} keys)\n");
        }
        else
        {
            var release = e.Release!;
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"revision {e.Revision} {e.Namespace}: {(release.Kind == ReleaseKind.Rollback ? "rollback" : "publish")} by {release.Author} at {release.Time:yyyy-MM-ddTHH:mm:ssZ}{(release.Message.Length > 0 ? $" \"{release.Message}\"" : "")}\n");
        }

        foreach (var change in e.Changes)
        {
            if (change.Value is null)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {change.Key} (v{change.Version}) deleted\n");
                continue;
            }

            var lines = change.Value.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  {change.Key} ({change.Type.ToWire()}, v{change.Version}) = {lines[0]}\n");
            foreach (var line in lines.Skip(1))
            {
                text.Append("      ").Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    private static Command Schema()
    {
        var group = new Command("schema", "Set or show the JSON Schema a key's value (or the whole namespace) must meet before it is published");
        group.Subcommands.Add(SchemaSet());
        group.Subcommands.Add(SchemaGet());
        return group;
    }

    private static Command SchemaSet()
    {
        var connection = new NodeConnection();
        var ns = NamespaceArgument();
        var key = new Argument<string?>("key") { Description = "The key; without one, the schema of the namespace as one object of its keys", Arity = ArgumentArity.ZeroOrOne };
        var input = new ConfigValueInput("schema (JSON)", typed: false);
        var remove = new Option<bool>("--remove") { Description = "Remove the schema instead" };
        var command = new Command("set", "Set a JSON Schema (refused when the current value breaks it)");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Arguments.Add(key);
        input.AddTo(command);
        command.Options.Add(remove);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var (space, name) = Names(parseResult.GetValue(ns), parseResult.GetValue(key));
            var schema = parseResult.GetValue(remove) ? null : (await input.ReadAsync(parseResult, cancellationToken)).Text;
            using var http = new HttpClient();
            try
            {
                await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult)).SetSchemaAsync(space, name, schema, cancellationToken);
            }
            catch (ArgumentException e)
            {
                throw new CliException(ExitCodes.DataError, e.Message.Split(" (Parameter")[0]);
            }

            await parseResult.InvocationConfiguration.Output.WriteLineAsync(
                $"{(schema is null ? "removed the schema of" : "set the schema of")} {(name is null ? "namespace " + space : name + " in " + space)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command SchemaGet()
    {
        var connection = new NodeConnection();
        var ns = NamespaceArgument();
        var key = new Argument<string?>("key") { Description = "The key; without one, the namespace's own schema", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("get", "Print a JSON Schema as stored");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Arguments.Add(key);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var (space, name) = Names(parseResult.GetValue(ns), parseResult.GetValue(key));
            using var http = new HttpClient();
            var schemas = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult)).SchemasAsync(space, cancellationToken);
            var schema = schemas.Schemas.TryGetValue(name ?? "", out var found)
                ? found
                : throw new CliException(ExitCodes.DataError, name is null ? $"namespace '{space}' has no schema" : $"key '{name}' in '{space}' has no schema");
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(schema.GetRawText());
            return ExitCodes.Ok;
        });
        return command;
    }
}
