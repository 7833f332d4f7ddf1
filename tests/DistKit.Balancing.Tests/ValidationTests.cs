using DistKit.Balancing.Policies;
using DistKit.Balancing.Validation;

namespace DistKit.Balancing.Tests;

public sealed class ValidationTests
{
    [Fact]
    public void SmoothWeightedRoundRobin_5_1_1_IsNginxsCycle()
    {
        var set = new EndpointSet([new ServiceEndpoint("a", 5), new ServiceEndpoint("b", 1), new ServiceEndpoint("c", 1)]);

        var cycle = string.Concat(SmoothWeightedRoundRobinBalancer.Cycle(set).Select(i => set[i].Address));

        Assert.Equal("aabacaa", cycle);
    }

    [Fact]
    public void ChiSquare_MatchesTabulatedCriticalValues()
    {
        // Tables: 6 degrees of freedom, 12.592 at p = 0.05; 1 degree, 3.841 at 0.05 and 6.635 at 0.01.
        Assert.Equal(0.05, ChiSquare.UpperRegularizedGamma(6 / 2.0, 12.592 / 2), 3);
        Assert.Equal(0.05, ChiSquare.UpperRegularizedGamma(1 / 2.0, 3.841 / 2), 3);
        Assert.Equal(0.01, ChiSquare.UpperRegularizedGamma(1 / 2.0, 6.635 / 2), 3);
        Assert.Equal(1.0, ChiSquare.PValue([100, 100, 100, 100]), 12);
    }

    [Fact]
    public void FirstPicks_FisherYatesIsUniform_TheNaiveShuffleOverloadsTheFirstEndpoint()
    {
        var fair = FirstPickExperiment.Run("fisher-yates", 7, 200_000, new Random(7));
        var naive = FirstPickExperiment.Run("naive-shuffle", 7, 200_000, new Random(7));

        // Seeded, so exact figures could be asserted; the bounds say what the experiment shows.
        Assert.InRange(fair.MaxMeanRatio, 1.0, 1.02);
        Assert.True(fair.ChiSquareP > 0.001, $"p = {fair.ChiSquareP}");
        Assert.InRange(naive.MaxMeanRatio, 1.4, 1.8);
        Assert.Equal(naive.FirstPositionCounts.Max(), naive.FirstPositionCounts[0]);
        Assert.True(naive.ChiSquareP < 1e-9, $"p = {naive.ChiSquareP}");
    }
}
