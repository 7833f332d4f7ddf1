using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DistKit.Testing;

namespace DistKit.Cli.Tests;

/// <summary>`distkit serve` run as a real process, as a user runs it.</summary>
public sealed class ServeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-serve-").FullName;
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serve_AnswersHealthzAndInfoWithEmbeddedDefaults_ThenStopsCleanlyOnSigterm()
    {
        var dataDir = Path.Combine(_dir, "data");
        await using var node = await DistKitProcess.ServeAsync(dataDir, cancellationToken: Cancel);
        using var http = new HttpClient { BaseAddress = node.Address };

        Assert.Equal("{\"status\":\"ok\"}", await http.GetStringAsync(new Uri("/healthz", UriKind.Relative), Cancel));
        using var info = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v1/info", UriKind.Relative), Cancel));
        Assert.Equal(dataDir, info.RootElement.GetProperty("data_dir").GetString());
        Assert.All(info.RootElement.GetProperty("capabilities").EnumerateObject(), c => Assert.Equal("embedded", c.Value.GetString()));
        Assert.True(Directory.Exists(dataDir));

        var exitCode = await node.TerminateAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, exitCode);
        Assert.Contains("shutting down", node.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_BadUrls_ExitsNonZeroWithOneLineAndNoStackTrace()
    {
        var result = await DistKitProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:notaport", "--data-dir", _dir], cancellationToken: Cancel);

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("distkit: setting 'urls'", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task Serve_BadConfigFile_ExitsNonZeroWithOneLine()
    {
        var config = Path.Combine(_dir, "distkit.json");
        await File.WriteAllTextAsync(config, "{ \"urls\": \"http://127.0.0.1:7070\", \"dataDirectory\": \"x\" }", Cancel);

        var result = await DistKitProcess.RunAsync(["serve", "--config", config], cancellationToken: Cancel);

        Assert.Equal(78, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("unknown setting 'dataDirectory'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ReadsDistkitJsonFromTheWorkingDirectory_AndEnvironmentOverridesIt()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "distkit.json"), "{ \"logLevel\": \"shouting\" }", Cancel);
        var fromFile = await DistKitProcess.RunAsync(["serve"], workingDirectory: _dir, cancellationToken: Cancel);
        var overridden = await DistKitProcess.RunAsync(["serve"], new Dictionary<string, string> { ["DISTKIT_LOG_LEVEL"] = "loud" }, workingDirectory: _dir, cancellationToken: Cancel);

        Assert.Contains("'shouting'", Assert.Single(fromFile.StderrLines), StringComparison.Ordinal);
        Assert.Contains("'loud'", Assert.Single(overridden.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_NonLoopbackWithoutTokens_RefusesToStart()
    {
        var result = await DistKitProcess.RunAsync(["serve", "--urls", "http://0.0.0.0:7070", "--data-dir", _dir], cancellationToken: Cancel);

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("setting 'tokens'", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PortInUse_ExitsNonZeroWithOneLine()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var result = await DistKitProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{port}", "--search-urls", "none", "--data-dir", _dir], cancellationToken: Cancel);

        Assert.Equal(69, result.ExitCode);
        Assert.Contains($"cannot listen on http://127.0.0.1:{port}", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_SearchPortInUse_ExitsNonZeroNamingTheSearchSetting()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var result = await DistKitProcess.RunAsync(
            ["serve", "--urls", $"http://127.0.0.1:{DistKit.Testing.Internal.FreePorts.Next()}", "--search-urls", $"http://127.0.0.1:{port}", "--data-dir", _dir], cancellationToken: Cancel);

        Assert.Equal(69, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains($"cannot listen on http://127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("--search-urls", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_SearchBeyondLoopbackWithoutTokens_RefusesToStart()
    {
        var result = await DistKitProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:7070", "--search-urls", "http://0.0.0.0:9200", "--data-dir", _dir], cancellationToken: Cancel);

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("setting 'tokens'", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
