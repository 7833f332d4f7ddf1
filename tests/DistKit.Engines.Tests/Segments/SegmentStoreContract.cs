using DistKit.Ids.Segments;

namespace DistKit.Engines.Tests.Segments;

/// <summary>What every segment store must do; one small class per store.</summary>
public abstract class SegmentStoreContract
{
    /// <summary>A store over the shared backing data; two calls give two "processes".</summary>
    protected abstract ISegmentStore CreateStore();

    private static string NewKey() => "order-" + Guid.NewGuid().ToString("N")[..10];

    [Fact(Timeout = 60_000)]
    public async Task FirstBlock_StartsAtOne_AndBlocksFollowEachOther()
    {
        var store = CreateStore();
        var key = NewKey();
        var first = await store.AllocateAsync(key, 100, TestContext.Current.CancellationToken);
        var second = await store.AllocateAsync(key, 50, TestContext.Current.CancellationToken);
        Assert.Equal(new IdBlock(1, 101), first);
        Assert.Equal(new IdBlock(101, 151), second);
    }

    [Fact(Timeout = 60_000)]
    public async Task ConcurrentStores_NeverGetOverlappingBlocks()
    {
        var key = NewKey();
        var stores = Enumerable.Range(0, 4).Select(_ => CreateStore()).ToArray();
        var blocks = await Task.WhenAll(stores.SelectMany(s => Enumerable.Range(0, 25).Select(async i => await s.AllocateAsync(key, 10 + i, TestContext.Current.CancellationToken))));
        var sorted = blocks.OrderBy(b => b.Start).ToList();
        Assert.Equal(1, sorted[0].Start);
        for (var i = 1; i < sorted.Count; i++)
        {
            Assert.Equal(sorted[i - 1].End, sorted[i].Start);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Allocator_GivesDenseIncreasingIds_AcrossManyBlocks_WithConcurrentCallers()
    {
        await using var allocator = new SegmentIdAllocator(CreateStore(), SegmentOptions.Default with { InitialBlockSize = 50, MinBlockSize = 10 });
        var key = NewKey();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            var mine = new List<long>();
            for (var i = 0; i < 500; i++)
            {
                mine.Add(await allocator.NextAsync(key, TestContext.Current.CancellationToken));
            }

            return mine;
        }));

        Assert.All(results, mine => Assert.True(mine.SequenceEqual(mine.Order())));
        Assert.Equal(Enumerable.Range(1, 4000).Select(i => (long)i), results.SelectMany(m => m).Order());
    }

    [Fact(Timeout = 60_000)]
    public async Task KeysAreIndependent()
    {
        await using var allocator = new SegmentIdAllocator(CreateStore());
        var (a, b) = (NewKey(), NewKey());
        Assert.Equal(1, await allocator.NextAsync(a, TestContext.Current.CancellationToken));
        Assert.Equal(2, await allocator.NextAsync(a, TestContext.Current.CancellationToken));
        Assert.Equal(1, await allocator.NextAsync(b, TestContext.Current.CancellationToken));
    }
}
