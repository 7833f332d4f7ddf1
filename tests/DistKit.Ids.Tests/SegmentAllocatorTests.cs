using DistKit.Ids.Segments;
using DistKit.Sqlite.Ids;

namespace DistKit.Ids.Tests;

/// <summary>Refill ahead and adaptive block sizes, on the real embedded (SQLite) store.</summary>
public sealed class SegmentAllocatorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-alloc-").FullName;

    private SqliteSegmentStore Store() => new(Path.Combine(_dir, "segments.db"));

    [Fact(Timeout = 60_000)]
    public async Task SteadyState_CallersDoNotWaitOnTheStore()
    {
        await using var allocator = new SegmentIdAllocator(Store(), SegmentOptions.Default with { InitialBlockSize = 200 });
        _ = await allocator.NextAsync("k", TestContext.Current.CancellationToken);
        var waitsAfterFirst = allocator.Waits;
        var refills = new HashSet<Task>();

        // Traffic slower than a store round trip per 10% of a block, made exact: whenever a
        // refill is in flight, the caller lets it land before asking for the next id.
        for (var i = 0; i < 2000; i++)
        {
            _ = await allocator.NextAsync("k", TestContext.Current.CancellationToken);
            if (allocator.PendingFetch("k") is { } refill)
            {
                refills.Add(refill);
                await refill;
            }
        }

        Assert.Equal(1, waitsAfterFirst);
        Assert.Equal(waitsAfterFirst, allocator.Waits);
        Assert.True(refills.Count >= 3, $"only {refills.Count} refills ran");
    }

    [Fact(Timeout = 60_000)]
    public async Task FastConsumption_GrowsBlocks_SlowConsumption_ShrinksThem()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var options = SegmentOptions.Default with { InitialBlockSize = 100, MinBlockSize = 25, MaxBlockSize = 800, TargetBlockDuration = TimeSpan.FromMinutes(1), TimeProvider = clock };
        await using var allocator = new SegmentIdAllocator(Store(), options);
        var buffer = new long[100];

        // Blocks used up at once: each next block doubles, up to the maximum.
        for (var i = 0; i < 20; i++)
        {
            await allocator.FillAsync("fast", buffer, TestContext.Current.CancellationToken);
        }

        Assert.Equal(800, allocator.NextBlockSize("fast"));

        // Ten ids every ten minutes: blocks last for hours, so each next block halves, down to the minimum.
        var trickle = new long[10];
        for (var i = 0; i < 400; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(10));
            await allocator.FillAsync("fast", trickle, TestContext.Current.CancellationToken);
        }

        Assert.Equal(25, allocator.NextBlockSize("fast"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Restart_SkipsTheUnusedRestOfABlock_NeverReissues()
    {
        await using var first = new SegmentIdAllocator(Store(), SegmentOptions.Default with { InitialBlockSize = 100 });
        var before = await first.NextAsync("k", TestContext.Current.CancellationToken);
        await using var second = new SegmentIdAllocator(Store(), SegmentOptions.Default with { InitialBlockSize = 100 });
        var after = await second.NextAsync("k", TestContext.Current.CancellationToken);
        Assert.Equal(1, before);
        Assert.True(after > 100);
    }

    [Fact]
    public void Options_OutOfRange_ThrowNamingTheValue()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentIdAllocator(Store(), SegmentOptions.Default with { RefillAt = 0.95 }));
        Assert.Equal("RefillAt", e.ParamName);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
