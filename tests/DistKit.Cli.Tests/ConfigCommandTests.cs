using System.Diagnostics;
using System.Text.Json;
using DistKit.Testing;

namespace DistKit.Cli.Tests;

/// <summary><c>distkit config …</c> against a real <c>distkit serve</c>.</summary>
public sealed class ConfigCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-config-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 120_000)]
    public async Task SetGetHistoryDiffRollback_RoundTripTheValueByteForByte()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await DistKitProcess.ServeAsync(Path.Combine(_dir, "data"), cancellationToken: ct);
        var address = node.Address.ToString();
        var file = Path.Combine(_dir, "cities.yaml");
        const string yaml = "# cities on the whitelist\n- shanghai\n- beijing   # capital\n";
        await File.WriteAllTextAsync(file, yaml, ct);

        var set = await DistKitProcess.RunAsync(["config", "set", "shop/prod", "Cities", "--file", file, "-m", "first cities", "--author", "alice", "--node", address], cancellationToken: ct);
        var second = await DistKitProcess.RunAsync(["config", "set", "shop/prod", "Cities", "--type", "yaml", "--value", "- shanghai\n", "--node", address], cancellationToken: ct);
        var got = await DistKitProcess.RunAsync(["config", "get", "shop/prod", "Cities", "--node", address], cancellationToken: ct);
        var history = await DistKitProcess.RunAsync(["config", "history", "shop/prod", "Cities", "--json", "--node", address], cancellationToken: ct);
        var diff = await DistKitProcess.RunAsync(["config", "diff", "shop/prod", "Cities", "1", "2", "--node", address], cancellationToken: ct);
        var rollback = await DistKitProcess.RunAsync(["config", "rollback", "shop/prod", "Cities", "--to", "1", "--node", address], cancellationToken: ct);
        var restored = await DistKitProcess.RunAsync(["config", "get", "shop/prod", "Cities", "--node", address], cancellationToken: ct);

        Assert.Equal(0, set.ExitCode);
        Assert.Matches("^published revision [0-9]+: Cities version 1$", set.Stdout.Trim());
        Assert.Equal(0, second.ExitCode);
        Assert.Equal("- shanghai\n", got.Stdout);
        using (var rows = JsonDocument.Parse(history.Stdout))
        {
            var versions = rows.RootElement.EnumerateArray().ToList();
            Assert.Equal([2L, 1L], versions.Select(v => v.GetProperty("version").GetInt64()));
            Assert.Equal(["version", "revision", "author", "message", "time"], versions[1].EnumerateObject().Select(p => p.Name));
            Assert.Equal("alice", versions[1].GetProperty("author").GetString());
            Assert.Equal("first cities", versions[1].GetProperty("message").GetString());
        }

        Assert.Contains("-- beijing   # capital", diff.Stdout, StringComparison.Ordinal);
        Assert.Contains(" - shanghai", diff.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, rollback.ExitCode);
        Assert.Equal(yaml, restored.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task Set_AnInvalidValue_FailsWithOneLine_AndStoresNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await DistKitProcess.ServeAsync(Path.Combine(_dir, "data"), cancellationToken: ct);
        var address = node.Address.ToString();

        var bad = await DistKitProcess.RunAsync(["config", "set", "a/b", "k", "--type", "json", "--value", "{\"open\": ", "--node", address], cancellationToken: ct);
        var missing = await DistKitProcess.RunAsync(["config", "get", "a/b", "k", "--node", address], cancellationToken: ct);
        var badNamespace = await DistKitProcess.RunAsync(["config", "list", "no spaces", "--node", address], cancellationToken: ct);

        Assert.Equal(65, bad.ExitCode);
        var line = Assert.Single(bad.StderrLines);
        Assert.StartsWith("distkit: key 'k': not valid JSON", line, StringComparison.Ordinal);
        Assert.Equal(65, missing.ExitCode);
        Assert.Equal(64, badNamespace.ExitCode);
        Assert.Single(badNamespace.StderrLines);
    }

    [Fact(Timeout = 120_000)]
    public async Task Watch_PrintsTheCurrentValues_ThenEachReleaseAsItArrives()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await DistKitProcess.ServeAsync(Path.Combine(_dir, "data"), cancellationToken: ct);
        var address = node.Address.ToString();
        await DistKitProcess.RunAsync(["config", "set", "w/x", "Flag", "--value", "off", "--node", address], cancellationToken: ct);
        using var watch = Process.Start(DistKitProcess.StartInfo(["config", "watch", "w/x", "--json", "--node", address]))!;
        try
        {
            var snapshot = await watch.StandardOutput.ReadLineAsync(ct);
            using (var first = JsonDocument.Parse(snapshot!))
            {
                Assert.True(first.RootElement.GetProperty("snapshot").GetBoolean());
                Assert.Equal("off", first.RootElement.GetProperty("changes")[0].GetProperty("value").GetString());
            }

            await DistKitProcess.RunAsync(["config", "set", "w/x", "Flag", "--value", "on", "-m", "launch", "--node", address], cancellationToken: ct);
            var release = await watch.StandardOutput.ReadLineAsync(ct);
            using var second = JsonDocument.Parse(release!);
            Assert.False(second.RootElement.GetProperty("snapshot").GetBoolean());
            Assert.Equal("launch", second.RootElement.GetProperty("message").GetString());
            Assert.Equal("on", second.RootElement.GetProperty("changes")[0].GetProperty("value").GetString());
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync(ct);
        }
    }
}
