using DistKit.Ids.Workers;

namespace DistKit.Ids.Tests;

public sealed class WorkerAndPlannerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-workers-").FullName;

    [Fact]
    public async Task Static_HandsOutTheConfiguredId_AndRefusesOneOutOfRange()
    {
        await using var lease = await new StaticWorkerIdSource(9).AcquireAsync(1023, TestContext.Current.CancellationToken);
        Assert.Equal(9, lease.WorkerId);
        Assert.False(lease.Lost.CanBeCanceled);
        await Assert.ThrowsAsync<WorkerIdUnavailableException>(async () => await new StaticWorkerIdSource(64).AcquireAsync(63, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task File_KeepsTheSameIdAcrossRestarts()
    {
        var source = new FileWorkerIdSource(Path.Combine(_dir, "worker"));
        long first;
        await using (var lease = await source.AcquireAsync(1023, TestContext.Current.CancellationToken))
        {
            first = lease.WorkerId;
        }

        await using var again = await source.AcquireAsync(1023, TestContext.Current.CancellationToken);
        Assert.Equal(first, again.WorkerId);
        Assert.InRange(first, 0, 1023);
    }

    [Fact]
    public async Task File_HeldByALiveLease_IsRefusedToASecondOne_UntilReleased()
    {
        var path = Path.Combine(_dir, "worker");
        var lease = await new FileWorkerIdSource(path, initialId: 12).AcquireAsync(1023, TestContext.Current.CancellationToken);

        var e = await Assert.ThrowsAsync<WorkerIdUnavailableException>(async () => await new FileWorkerIdSource(path).AcquireAsync(1023, TestContext.Current.CancellationToken));
        Assert.Contains("held by another live process", e.Message, StringComparison.Ordinal);

        await lease.DisposeAsync();
        await lease.DisposeAsync();
        await using var next = await new FileWorkerIdSource(path).AcquireAsync(1023, TestContext.Current.CancellationToken);
        Assert.Equal(12, next.WorkerId);
    }

    [Theory]
    [InlineData(1024, 4_096_000, 69, false)]
    [InlineData(64, 100_000, 30, true)]
    [InlineData(5000, 1000, 30, true)]
    [InlineData(1, 1, 1000, false)]
    public void Planner_ProposesALayoutThatMeetsEveryDemand(long nodes, double rate, int years, bool jsSafe)
    {
        var epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var layout = LayoutPlanner.Propose(nodes, rate, years, jsSafe, epoch);

        Assert.True(layout.MaxNode + 1 >= nodes);
        Assert.True(layout.CapacityPerNodePerSecond >= rate);
        Assert.True(layout.ExhaustedAt >= epoch.AddYears(years));
        Assert.True(layout.TotalBits <= (jsSafe ? 53 : 63));
    }

    [Fact]
    public void Planner_ImpossibleDemand_SaysWhichToLower()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LayoutPlanner.Propose(1 << 20, 10_000_000, 100, jsSafe: true, DateTimeOffset.UnixEpoch));
        Assert.Contains("drop --js-safe", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
