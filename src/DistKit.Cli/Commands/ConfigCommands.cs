using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DistKit.Cli.Conventions;
using DistKit.Configuration;
using DistKit.Configuration.Http;

namespace DistKit.Cli.Commands;

/// <summary><c>distkit config set|get|delete|list|history|diff|rollback|publish|releases|watch|schema</c>: the configuration center on a node.</summary>
internal sealed partial class ConfigCommands : ICommandGroup
{
    public string Name => "config";

    public Command Build()
    {
        var group = new Command(Name, "Set, show, diff, roll back and watch configuration on a node (namespaces of JSON, YAML, properties or text values)");
        group.Subcommands.Add(Set());
        group.Subcommands.Add(Get());
        group.Subcommands.Add(Delete());
        group.Subcommands.Add(List());
        group.Subcommands.Add(History());
        group.Subcommands.Add(Diff());
        group.Subcommands.Add(Rollback());
        group.Subcommands.Add(Publish());
        group.Subcommands.Add(Releases());
        group.Subcommands.Add(Watch());
        group.Subcommands.Add(Schema());
        group.Subcommands.Add(Gray());
        group.Subcommands.Add(Token());
        return group;
    }

    private static Argument<string> NamespaceArgument() => new("ns") { Description = "The namespace, app/env (e.g. shop/prod)" };

    private static Argument<string> KeyArgument() => new("key") { Description = "The key (e.g. Checkout)" };

    private static Option<string?> Message() => new("--message", "-m") { Description = "Why: kept in the history" };

    private static Option<string?> Author() => new("--author")
    {
        Description = "Who, for the history (default: $USER@host)",
        DefaultValueFactory = _ => $"{Environment.UserName}@{Environment.MachineName}",
    };

    private static Command Set()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var key = KeyArgument();
        var input = new ConfigValueInput("value", typed: true);
        var draft = new Option<bool>("--draft") { Description = "Stage the change; 'distkit config publish' publishes it" };
        var ifMatch = new Option<long?>("--if-match") { Description = "Only if the key is at this version (0: only if it does not exist)" };
        var message = Message();
        var author = Author();
        var command = new Command("set", "Publish a value (checked against its type and schema first); prints the new revision");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Arguments.Add(key);
        input.AddTo(command);
        foreach (var option in new Option[] { message, draft, ifMatch, author, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var (space, name) = Keyed(parseResult.GetValue(ns), parseResult.GetValue(key));
            var (text, valueType) = await input.ReadAsync(parseResult, cancellationToken);
            using var http = new HttpClient();
            var client = new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult));
            var staged = parseResult.GetValue(draft);
            var release = await client.PutAsync(space, name, valueType, text, parseResult.GetValue(message), parseResult.GetValue(author), parseResult.GetValue(ifMatch), staged, cancellationToken);
            var stdout = parseResult.InvocationConfiguration.Output;
            if (release is null)
            {
                await stdout.WriteLineAsync(parseResult.GetValue(json) ? "{\"staged\":true}" : $"staged {name} in {space}; publish with: distkit config publish {space}");
                return ExitCodes.Ok;
            }

            await stdout.WriteLineAsync(parseResult.GetValue(json)
                ? JsonSerializer.Serialize(release, ConfigJsonContext.Default.ReleaseView)
                : $"published revision {release.Revision}: {name} version {release.Changes[0].Version}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var key = KeyArgument();
        var command = new Command("get", "Print a value exactly as stored (--json: with its type, version and revision)");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Arguments.Add(key);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var (space, name) = Keyed(parseResult.GetValue(ns), parseResult.GetValue(key));
            using var http = new HttpClient();
            var entry = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult)).GetAsync(space, name, cancellationToken)
                ?? throw new CliException(ExitCodes.DataError, $"no key '{name}' in '{space}'");
            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(entry, ConfigJsonContext.Default.EntryView));
            }
            else
            {
                // Exactly as stored: no newline added, so `distkit config get … > file` round-trips.
                await stdout.WriteAsync(entry.Value);
                await stdout.FlushAsync(cancellationToken);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var key = KeyArgument();
        var ifMatch = new Option<long?>("--if-match") { Description = "Only if the key is at this version" };
        var message = Message();
        var author = Author();
        var command = new Command("delete", "Delete a key, as a release (its history stays; roll back to restore it)");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Arguments.Add(key);
        foreach (var option in new Option[] { message, ifMatch, author, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var (space, name) = Keyed(parseResult.GetValue(ns), parseResult.GetValue(key));
            using var http = new HttpClient();
            var release = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult))
                .DeleteAsync(space, name, parseResult.GetValue(message), parseResult.GetValue(author), parseResult.GetValue(ifMatch), cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(parseResult.GetValue(json)
                ? JsonSerializer.Serialize(release, ConfigJsonContext.Default.ReleaseView)
                : $"published revision {release.Revision}: {name} deleted");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var prefix = new Option<string?>("--prefix") { Description = "Only keys starting with this" };
        var command = new Command("list", "List a namespace's keys with their type, version and revision");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Options.Add(prefix);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var space = Names(parseResult.GetValue(ns), null).Namespace;
            using var http = new HttpClient();
            var snapshot = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult)).ReadAsync(space, parseResult.GetValue(prefix), cancellationToken);
            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(snapshot, ConfigJsonContext.Default.SnapshotView));
                return ExitCodes.Ok;
            }

            var width = snapshot.Entries.Select(e => e.Key.Length).DefaultIfEmpty(3).Max();
            foreach (var entry in snapshot.Entries)
            {
                await stdout.WriteLineAsync($"{entry.Key.PadRight(width)}  {entry.Type,-10}  v{entry.Version,-5}  r{entry.Revision,-7}  {entry.Author}  {entry.Updated:yyyy-MM-ddTHH:mm:ssZ}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command History()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var key = KeyArgument();
        var limit = new Option<int?>("--limit") { Description = "At most this many versions, newest first (1 to 1000; default 100)" };
        var command = new Command("history", "Show every version of a key, newest first: who, when, why");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Arguments.Add(key);
        command.Options.Add(limit);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var (space, name) = Keyed(parseResult.GetValue(ns), parseResult.GetValue(key));
            using var http = new HttpClient();
            var history = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult)).HistoryAsync(space, name, parseResult.GetValue(limit), cancellationToken);
            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                var rows = history.Versions.Select(v => new HistoryRow(v.Version, v.Revision, v.Author, v.Message, v.Time)).ToList();
                await stdout.WriteLineAsync(JsonSerializer.Serialize(rows, CliJsonContext.Default.ListHistoryRow));
                return ExitCodes.Ok;
            }

            foreach (var v in history.Versions)
            {
                var what = v.Deleted ? "deleted" : v.Type;
                await stdout.WriteLineAsync($"v{v.Version,-5} r{v.Revision,-7} {v.Time:yyyy-MM-ddTHH:mm:ssZ}  {v.Author}  {what}{(v.Message.Length > 0 ? "  " + v.Message : "")}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Diff()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var key = KeyArgument();
        var from = new Argument<long>("v1") { Description = "The older version" };
        var to = new Argument<long>("v2") { Description = "The newer version" };
        var command = new Command("diff", "Show the lines that changed between two versions of a key");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Arguments.Add(key);
        command.Arguments.Add(from);
        command.Arguments.Add(to);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var (space, name) = Keyed(parseResult.GetValue(ns), parseResult.GetValue(key));
            using var http = new HttpClient();
            var diff = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult))
                .DiffAsync(space, name, parseResult.GetValue(from), parseResult.GetValue(to), cancellationToken);
            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(diff, ConfigJsonContext.Default.DiffView));
                return ExitCodes.Ok;
            }

            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"--- {name} v{diff.From.Version}{(diff.From.Deleted ? " (deleted)" : "")}\n");
            text.Append(CultureInfo.InvariantCulture, $"+++ {name} v{diff.To.Version}{(diff.To.Deleted ? " (deleted)" : "")}\n");
            foreach (var line in diff.Lines)
            {
                text.Append(line.Op).Append(line.Text).Append('\n');
            }

            await stdout.WriteAsync(text.ToString());
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Rollback()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var key = new Argument<string?>("key") { Description = "The key; without one, the whole namespace (with --to-revision)", Arity = ArgumentArity.ZeroOrOne };
        var to = new Option<long?>("--to") { Description = "The key's version to write again" };
        var toRevision = new Option<long?>("--to-revision") { Description = "Put the whole namespace back as it was at this revision" };
        var message = Message();
        var author = Author();
        var command = new Command("rollback", "Write an earlier version again, as a new release (nothing is rewritten)");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Arguments.Add(key);
        foreach (var option in new Option[] { to, toRevision, message, author, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var name = parseResult.GetValue(key);
            var (space, _) = Names(parseResult.GetValue(ns), name);
            var version = parseResult.GetValue(to);
            var revision = parseResult.GetValue(toRevision);
            if (name is not null ? version is null || revision is not null : revision is null || version is not null)
            {
                throw new CliException(ExitCodes.Usage, "give a key with --to <version>, or no key with --to-revision <revision>");
            }

            using var http = new HttpClient();
            var release = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult))
                .RollbackAsync(space, name, version, revision, parseResult.GetValue(message), parseResult.GetValue(author), cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(parseResult.GetValue(json)
                ? JsonSerializer.Serialize(release, ConfigJsonContext.Default.ReleaseView)
                : $"published revision {release.Revision}: {string.Join(", ", release.Changes.Select(c => $"{c.Key} version {c.Version}"))}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Publish()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var message = Message();
        var author = Author();
        var command = new Command("publish", "Publish a namespace's drafts (config set --draft) as one release");
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
                .PublishAsync(space, parseResult.GetValue(message), parseResult.GetValue(author), cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(parseResult.GetValue(json)
                ? JsonSerializer.Serialize(release, ConfigJsonContext.Default.ReleaseView)
                : $"published revision {release.Revision}: {string.Join(", ", release.Changes.Select(c => c.Key))}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Releases()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var ns = NamespaceArgument();
        var limit = new Option<int?>("--limit") { Description = "At most this many, newest first (default 100)" };
        var command = new Command("releases", "List a namespace's releases, newest first");
        connection.AddTo(command);
        command.Arguments.Add(ns);
        command.Options.Add(limit);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var space = Names(parseResult.GetValue(ns), null).Namespace;
            using var http = new HttpClient();
            var list = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult)).ReleasesAsync(space, parseResult.GetValue(limit), cancellationToken);
            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(list, ConfigJsonContext.Default.ReleaseList));
                return ExitCodes.Ok;
            }

            foreach (var release in list.Releases)
            {
                await stdout.WriteLineAsync($"r{release.Revision,-7} {release.Time:yyyy-MM-ddTHH:mm:ssZ}  {release.Kind,-8}  {release.Author}  {string.Join(",", release.Changes.Select(c => c.Key))}{(release.Message is { Length: > 0 } m ? "  " + m : "")}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static (string Namespace, string Key) Keyed(string? ns, string? key)
    {
        var (space, name) = Names(ns, key ?? "");
        return (space, name!);
    }

    internal static (string Namespace, string? Key) Names(string? ns, string? key)
    {
        if (ConfigNames.NamespaceProblem(ns) is { } problem)
        {
            throw new CliException(ExitCodes.Usage, problem);
        }

        if (key is not null && ConfigNames.KeyProblem(key) is { } keyProblem)
        {
            throw new CliException(ExitCodes.Usage, keyProblem);
        }

        return (ns!, key);
    }
}

/// <summary>One row of <c>distkit config history --json</c>.</summary>
/// <param name="Version">The key's version.</param>
/// <param name="Revision">The store revision of its release.</param>
/// <param name="Author">Who.</param>
/// <param name="Message">Why.</param>
/// <param name="Time">When.</param>
internal sealed record HistoryRow(long Version, long Revision, string Author, string Message, DateTimeOffset Time);
