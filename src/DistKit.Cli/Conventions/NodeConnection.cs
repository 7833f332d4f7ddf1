using System.CommandLine;
using DistKit.Client;

namespace DistKit.Cli.Conventions;

/// <summary>
/// <c>--node</c> and <c>--token</c>, for every command that talks to a node. Defaults come from
/// <c>DISTKIT_NODE</c> and <c>DISTKIT_TOKEN</c>, then <c>http://127.0.0.1:7070</c>.
/// </summary>
public sealed class NodeConnection
{
    /// <summary>The node address used when neither <c>--node</c> nor <c>DISTKIT_NODE</c> is given.</summary>
    public const string DefaultNode = "http://127.0.0.1:7070";

    /// <summary>The <c>--node</c> option.</summary>
    public Option<string> Node { get; } = new("--node")
    {
        Description = $"Node to talk to (env DISTKIT_NODE; default {DefaultNode})",
        DefaultValueFactory = _ => NonEmpty(Environment.GetEnvironmentVariable("DISTKIT_NODE")) ?? DefaultNode,
    };

    /// <summary>The <c>--token</c> option.</summary>
    public Option<string?> Token { get; } = new("--token")
    {
        Description = "API token, when the node requires one (env DISTKIT_TOKEN)",
        DefaultValueFactory = _ => NonEmpty(Environment.GetEnvironmentVariable("DISTKIT_TOKEN")),
    };

    /// <summary>Adds both options to a command.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Node);
        command.Options.Add(Token);
    }

    /// <summary>A client for the node the parsed command line names; <paramref name="timeout"/> bounds each call (default 100 s).</summary>
    public NodeClient CreateClient(ParseResult parseResult, TimeSpan? timeout = null) =>
        new(Address(parseResult), TokenOf(parseResult), timeout: timeout);

    /// <summary>The node address the parsed command line names.</summary>
    /// <exception cref="CliException">It is not an http(s) address (exit 64).</exception>
    public Uri Address(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var node = parseResult.GetValue(Node) ?? DefaultNode;
        return Uri.TryCreate(node, UriKind.Absolute, out var baseAddress) && (baseAddress.Scheme == Uri.UriSchemeHttp || baseAddress.Scheme == Uri.UriSchemeHttps)
            ? baseAddress
            : throw new CliException(ExitCodes.Usage, $"--node: '{node}' is not a node address; write it as http://HOST:PORT");
    }

    /// <summary>The API token the parsed command line gives, if any.</summary>
    public string? TokenOf(ParseResult parseResult) => parseResult?.GetValue(Token);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
