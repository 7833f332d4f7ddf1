using System.Text.Json;
using DistKit.Testing;

namespace DistKit.Engines.Tests.Jobs;

/// <summary>`distkit bench jobs` as a user runs it: a real process, DistKit and Quartz.NET on one store.</summary>
public sealed class BenchJobsProcessTests(PostgresFixture postgres, RedisFixture redis)
{
    [Theory(Timeout = 240_000)]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    [InlineData("redis")]
    public async Task Json_CarriesEveryFigure_ForDistKitAndThePeer_NothingLost(string store)
    {
        var result = await DistKitProcess.RunAsync(
            ["bench", "jobs", "--store", store, "--jobs", "200", "--rate", "200", "--lead", "500ms", "--json"],
            new Dictionary<string, string> { ["DISTKIT_POSTGRES"] = postgres.ConnectionString, ["DISTKIT_REDIS"] = redis.ConnectionString },
            timeout: TimeSpan.FromSeconds(220),
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var figures = JsonDocument.Parse(result.Stdout);
        var root = figures.RootElement;
        Assert.Equal(store, root.GetProperty("store").GetString());
        Assert.Equal(200, root.GetProperty("jobs").GetInt32());
        Assert.Equal("Quartz.NET", root.GetProperty("peer").GetString());
        // Quartz.NET has no Redis store: against DistKit on Redis it runs on PostgreSQL.
        Assert.Equal(store == "redis" ? "postgres" : store, root.GetProperty("peer_store").GetString());
        foreach (var field in (string[])["schedule_per_sec", "fire_per_sec", "lateness_p50_ms", "lateness_p99_ms", "lateness_max_ms", "peer_schedule_per_sec", "peer_fire_per_sec", "peer_lateness_max_ms"])
        {
            Assert.True(root.GetProperty(field).GetDouble() > 0, $"{field} is {root.GetProperty(field)}");
        }

        Assert.Equal(0, root.GetProperty("lost").GetInt64());
        Assert.Equal(0, root.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, root.GetProperty("peer_lost").GetInt64());
    }

    [Fact(Timeout = 60_000)]
    public async Task BadJobs_ExitsWithUsage_AndOneLine()
    {
        var result = await DistKitProcess.RunAsync(["bench", "jobs", "--jobs", "5"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(64, result.ExitCode);
        Assert.Contains("--jobs must be 100 to 1,000,000", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }
}
