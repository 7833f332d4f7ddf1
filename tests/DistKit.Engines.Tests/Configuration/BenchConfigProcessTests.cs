using System.Text.Json;
using DistKit.Testing;

namespace DistKit.Engines.Tests.Configuration;

/// <summary>`distkit bench config` as a user runs it: a real process, DistKit's watchers and etcd's in one run.</summary>
public sealed class BenchConfigProcessTests(EtcdFixture etcd, PostgresFixture postgres)
{
    [Theory(Timeout = 240_000)]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    [InlineData("etcd")]
    public async Task Json_CarriesEveryFigure_ForDistKitAndEtcd_NothingMissed(string store)
    {
        var result = await DistKitProcess.RunAsync(
            ["bench", "config", "--store", store, "--clients", "20", "--releases", "20", "--json"],
            new Dictionary<string, string> { ["DISTKIT_ETCD"] = etcd.ConnectionString, ["DISTKIT_POSTGRES"] = postgres.ConnectionString },
            timeout: TimeSpan.FromSeconds(220),
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var figures = JsonDocument.Parse(result.Stdout);
        var root = figures.RootElement;
        Assert.Equal(store, root.GetProperty("store").GetString());
        Assert.Equal(20, root.GetProperty("clients").GetInt32());
        foreach (var field in (string[])["propagation_p50_ms", "propagation_p99_ms", "releases_per_sec", "etcd_watch_p99_ms", "etcd_puts_per_sec", "p99_ratio"])
        {
            Assert.True(root.GetProperty(field).GetDouble() > 0, $"{field} is {root.GetProperty(field)}");
        }

        Assert.Equal(0, root.GetProperty("missed").GetInt64());
    }

    [Fact(Timeout = 60_000)]
    public async Task BadClients_ExitsWithUsage_AndOneLine()
    {
        var result = await DistKitProcess.RunAsync(["bench", "config", "--clients", "0"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(64, result.ExitCode);
        Assert.Single(result.StderrLines);
    }
}
