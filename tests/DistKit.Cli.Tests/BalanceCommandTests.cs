using System.Text.Json;
using DistKit.Testing;

namespace DistKit.Cli.Tests;

/// <summary><c>distkit balance validate</c> as a user runs it.</summary>
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
}
