using System.Text.Json;
using DistKit.Testing;

namespace DistKit.Cli.Tests;

/// <summary><c>distkit balance validate|simulate</c> as a user runs them.</summary>
public sealed class BalanceCommandTests
{
    [Fact(Timeout = 120_000)]
    public async Task Validate_Json_CountsFirstPicksPerPolicy_FisherYatesEvenTheNaiveShuffleNot()
    {
        var result = await DistKitProcess.RunAsync(["balance", "validate", "--endpoints", "7", "--trials", "100000", "--seed", "3", "--json"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var figures = JsonDocument.Parse(result.Stdout);
        Assert.Equal(7, figures.RootElement.GetProperty("endpoints").GetInt32());
        Assert.Equal(100_000, figures.RootElement.GetProperty("trials").GetInt32());
        var results = figures.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("policy").GetString()!);
        Assert.All(results.Values, r => Assert.Equal(100_000, r.GetProperty("first_position_counts").EnumerateArray().Sum(c => c.GetInt64())));
        Assert.True(results["fisher-yates"].GetProperty("max_mean_ratio").GetDouble() < 1.03);
        Assert.True(results["naive-shuffle"].GetProperty("max_mean_ratio").GetDouble() > 1.4);
        Assert.True(results["round-robin"].GetProperty("chi_square_p").GetDouble() > 1e-6);
    }

    [Fact(Timeout = 60_000)]
    public async Task Validate_BadEndpoints_ExitsWithUsage_AndOneLine()
    {
        var result = await DistKitProcess.RunAsync(["balance", "validate", "--endpoints", "1"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(64, result.ExitCode);
        Assert.Single(result.StderrLines);
    }

    [Fact(Timeout = 180_000)]
    public async Task Simulate_Json_ReportsEveryPolicy_PeakEwmaAvoidsTheSlowEndpoint_KeyedPoliciesMoveAboutOneNth()
    {
        var report = Path.Combine(Path.GetTempPath(), $"distkit-sim-{Guid.NewGuid():N}.html");
        var result = await DistKitProcess.RunAsync(
            ["balance", "simulate", "--endpoints", "5", "--clients", "10", "--requests", "20000", "--keys", "20000", "--seed", "3", "--json", "--report", report],
            timeout: TimeSpan.FromSeconds(150), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var figures = JsonDocument.Parse(result.Stdout);
        var root = figures.RootElement;
        var scenarios = root.GetProperty("scenarios").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(["one-failing", "one-slow"], scenarios.Keys.Order());
        var slow = scenarios["one-slow"].GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("policy").GetString()!);
        Assert.Equal(11, slow.Count);
        Assert.All(slow.Values, r => Assert.Equal(1.0, r.GetProperty("request_share").EnumerateArray().Sum(x => x.GetDouble()), 6));

        // Round robin gives the slow endpoint its fifth; peak EWMA learns to avoid it.
        Assert.InRange(slow["round-robin"].GetProperty("request_share")[0].GetDouble(), 0.19, 0.21);
        Assert.True(slow["peak-ewma"].GetProperty("request_share")[0].GetDouble() < 0.1);
        Assert.True(slow["peak-ewma"].GetProperty("p99_ms").GetDouble() < slow["round-robin"].GetProperty("p99_ms").GetDouble() / 2);

        var keyed = root.GetProperty("keyed").EnumerateArray().ToDictionary(k => k.GetProperty("policy").GetString()!);
        Assert.Equal(["bounded-load", "jump", "maglev", "rendezvous", "ring-hash"], keyed.Keys.Order());
        foreach (var policy in new[] { "jump", "rendezvous", "ring-hash" })
        {
            Assert.InRange(keyed[policy].GetProperty("moved_on_remove").GetDouble(), 0.15, 0.3); // 1/5 ideal
        }

        Assert.InRange(root.GetProperty("maglev_table").GetProperty("max_mean").GetDouble(), 1.0, 1.01);
        var html = await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains("peak-ewma", html, StringComparison.Ordinal);
        File.Delete(report);
    }

    [Fact(Timeout = 60_000)]
    public async Task Simulate_BadRequests_ExitsWithUsage_AndOneLine()
    {
        var result = await DistKitProcess.RunAsync(["balance", "simulate", "--requests", "5"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(64, result.ExitCode);
        Assert.Single(result.StderrLines);
    }

    [Fact(Timeout = 60_000)]
    public async Task Register_WithoutAnEtcd_ExitsWithConfig_AndOneLine()
    {
        var result = await DistKitProcess.RunAsync(["balance", "register", "orders", "--address", "http://127.0.0.1:1"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("DISTKIT_ETCD", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }
}
