using System.Text.Json;
using DistKit.Testing;

namespace DistKit.Engines.Tests.Locks;

/// <summary>`distkit bench locks` as a user runs it: a real process against a real server.</summary>
public sealed class BenchLocksProcessTests(RedisFixture redis)
{
    [Fact(Timeout = 120_000)]
    public async Task Redis_Json_CarriesEveryFigure_ForDistKitAndThePeer_WithNoViolations()
    {
        var result = await DistKitProcess.RunAsync(
            ["bench", "locks", "--backend", "redis", "--clients", "4", "--duration", "1s", "--uncontended", "1s", "--json"],
            new Dictionary<string, string> { ["DISTKIT_REDIS"] = redis.ConnectionString },
            timeout: TimeSpan.FromSeconds(100),
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var figures = JsonDocument.Parse(result.Stdout);
        var root = figures.RootElement;
        Assert.Equal("redis", root.GetProperty("backend").GetString());
        Assert.Equal(4, root.GetProperty("clients").GetInt32());
        Assert.Equal("DistributedLock.Redis", root.GetProperty("peer").GetString());
        foreach (var field in (string[])["uncontended_per_sec", "peer_uncontended_per_sec", "acquisitions_per_sec", "peer_acquisitions_per_sec", "fairness_max_min", "peer_fairness_max_min", "wait_p50_ms", "wait_p99_ms", "wait_max_ms", "peer_wait_max_ms"])
        {
            Assert.True(root.GetProperty(field).GetDouble() > 0, $"{field} is {root.GetProperty(field)}");
        }

        Assert.Equal(0, root.GetProperty("violations").GetInt64());
        Assert.Equal(4, root.GetProperty("acquisitions_per_client").GetArrayLength());
    }

    [Fact(Timeout = 60_000)]
    public async Task BadClients_ExitsWithUsage_AndOneLine()
    {
        var result = await DistKitProcess.RunAsync(["bench", "locks", "--clients", "1"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("--clients must be 2 to 64", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }
}
