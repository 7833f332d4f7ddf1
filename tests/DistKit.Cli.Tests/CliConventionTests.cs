using DistKit.Testing;

namespace DistKit.Cli.Tests;

/// <summary>The conventions every command shares: help, version, errors, --node/--token, --json.</summary>
public sealed class CliConventionTests : IDisposable
{
    private const string Token = "cli-test-token-0123456789";
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-cli-").FullName;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<DistKitProcess.Result> Run(params string[] args) => DistKitProcess.RunAsync(args, cancellationToken: Cancel);

    [Theory]
    [InlineData("--help")]
    [InlineData("serve", "--help")]
    [InlineData("info", "--help")]
    public async Task Help_IsAvailableOnEveryCommand(params string[] args)
    {
        var result = await Run(args);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheVersion()
    {
        var result = await Run("--version");
        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", result.Stdout.Trim());
    }

    [Fact]
    public async Task UnknownOption_IsAUsageErrorOnOneLine()
    {
        var result = await Run("serve", "--no-such-option");
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("--no-such-option", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_NodeNotRunning_ExitsUnavailableWithOneLine()
    {
        var result = await Run("info", "--node", "http://127.0.0.1:1");
        Assert.Equal(69, result.ExitCode);
        Assert.Contains("cannot reach the node", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_BadNodeAddress_IsAUsageError()
    {
        var result = await Run("info", "--node", "not a url");
        Assert.Equal(64, result.ExitCode);
        Assert.Single(result.StderrLines);
    }

    [Fact]
    public async Task Info_TalksToARunningNode_InTextAndJson_WithTokenFromEnvironment()
    {
        var tokens = new Dictionary<string, string> { ["DISTKIT_TOKENS"] = Token };
        await using var node = await DistKitProcess.ServeAsync(Path.Combine(_dir, "data"), environment: tokens, cancellationToken: Cancel);
        var nodeUrl = node.Address.ToString();

        var refused = await DistKitProcess.RunAsync(["info", "--node", nodeUrl], cancellationToken: Cancel);
        var text = await DistKitProcess.RunAsync(["info", "--node", nodeUrl, "--token", Token], cancellationToken: Cancel);
        var json = await DistKitProcess.RunAsync(["info", "--json"], new Dictionary<string, string> { ["DISTKIT_NODE"] = nodeUrl, ["DISTKIT_TOKEN"] = Token }, cancellationToken: Cancel);

        Assert.Equal(77, refused.ExitCode);
        Assert.Contains("unauthorized", Assert.Single(refused.StderrLines), StringComparison.Ordinal);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("ids           embedded", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, json.ExitCode);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Stdout);
        Assert.True(doc.RootElement.GetProperty("tokens_required").GetBoolean());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
