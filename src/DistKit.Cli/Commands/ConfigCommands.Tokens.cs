using System.CommandLine;
using System.Text.Json;
using DistKit.Cli.Conventions;
using DistKit.Configuration.Http;

namespace DistKit.Cli.Commands;

internal sealed partial class ConfigCommands
{
    private static Command Token()
    {
        var group = new Command("token", "Make, list and revoke configuration tokens: read, write or publish on namespace prefixes (takes one of the node's own tokens)");
        group.Subcommands.Add(TokenCreate());
        group.Subcommands.Add(TokenList());
        group.Subcommands.Add(TokenRevoke());
        return group;
    }

    private static Command TokenCreate()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var name = new Option<string>("--name") { Description = "The token's name, e.g. ci-shop", Required = true };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "A grant, repeatable: read:PREFIX, write:PREFIX (stage drafts, set schemas) or publish:PREFIX (publish, roll back); PREFIX a namespace prefix such as shop/, or *",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var author = Author();
        var command = new Command("create", "Make a token and print its secret (shown this once; the node keeps only its hash)");
        connection.AddTo(command);
        command.Options.Add(name);
        command.Options.Add(scopes);
        command.Options.Add(author);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            using var http = new HttpClient();
            var created = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult))
                .CreateTokenAsync(parseResult.GetValue(name)!, parseResult.GetValue(scopes) ?? [], parseResult.GetValue(author), cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(parseResult.GetValue(json)
                ? JsonSerializer.Serialize(created, ConfigJsonContext.Default.TokenCreated)
                : created.Token);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command TokenList()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var command = new Command("list", "List the tokens with their scopes (never their secrets)");
        connection.AddTo(command);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            using var http = new HttpClient();
            var list = await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult)).TokensAsync(cancellationToken);
            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(list, ConfigJsonContext.Default.TokenList));
                return ExitCodes.Ok;
            }

            foreach (var token in list.Tokens)
            {
                await stdout.WriteLineAsync($"{token.Name}  {string.Join(" ", token.Scopes)}  {token.Created:yyyy-MM-ddTHH:mm:ssZ}  {token.Author}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command TokenRevoke()
    {
        var connection = new NodeConnection();
        var name = new Argument<string>("name") { Description = "The token's name" };
        var author = Author();
        var command = new Command("revoke", "Revoke a token: the node refuses it from then on (other nodes on the store within 2 s)");
        connection.AddTo(command);
        command.Arguments.Add(name);
        command.Options.Add(author);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            using var http = new HttpClient();
            await new ConfigNodeClient(http, connection.Address(parseResult), connection.TokenOf(parseResult)).RevokeTokenAsync(parseResult.GetValue(name)!, parseResult.GetValue(author), cancellationToken);
            await parseResult.InvocationConfiguration.Output.WriteLineAsync($"revoked {parseResult.GetValue(name)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
