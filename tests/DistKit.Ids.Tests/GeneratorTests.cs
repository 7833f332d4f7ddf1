using System.Collections.Concurrent;

namespace DistKit.Ids.Tests;

public sealed class GeneratorTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NextId_StrictlyIncreasesAndCarriesTheNode()
    {
        var generator = new SnowflakeIdGenerator(IdGeneratorOptions.Default with { Node = IdLayout.Snowflake.NodeOf(3, 17) });
        var previous = -1L;
        for (var i = 0; i < 200_000; i++)
        {
            var id = generator.NextId();
            Assert.True(id > previous);
            previous = id;
        }

        var parts = IdLayout.Snowflake.Decode(previous);
        Assert.Equal((3L, 17L), (parts.Datacenter!.Value, parts.Worker!.Value));
        Assert.InRange(parts.Time, DateTimeOffset.UtcNow.AddSeconds(-10), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public void NextId_EightThreadsTimesOneMillion_AreAllUnique_AndIncreasingPerThread()
    {
        const int Threads = 8, PerThread = 1_000_000;
        var generator = new SnowflakeIdGenerator(IdGeneratorOptions.Default);
        var all = new long[Threads * PerThread];
        var increasing = new ConcurrentBag<bool>();
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var mine = all.AsSpan(t * PerThread, PerThread);
            var ok = true;
            for (var i = 0; i < PerThread; i++)
            {
                mine[i] = generator.NextId();
                ok &= i == 0 || mine[i] > mine[i - 1];
            }

            increasing.Add(ok);
        });

        Assert.All(increasing, Assert.True);
        Array.Sort(all);
        for (var i = 1; i < all.Length; i++)
        {
            Assert.True(all[i] != all[i - 1], $"duplicate id {all[i]}");
        }
    }

    [Fact]
    public void NextIds_FillsIncreasingIds_InterleavedWithNextId()
    {
        var generator = new SnowflakeIdGenerator(IdGeneratorOptions.Default);
        var batch = new long[10_000];
        var sequence = new List<long> { generator.NextId() };
        generator.NextIds(batch);
        sequence.AddRange(batch);
        sequence.Add(generator.NextId());
        for (var i = 1; i < sequence.Count; i++)
        {
            Assert.True(sequence[i] > sequence[i - 1]);
        }
    }

    [Fact]
    public void SpentSequence_MovesToTheNextTick()
    {
        var time = new TestClock(Start) { AutoAdvance = TimeSpan.FromMicroseconds(50) };
        var layout = new IdLayout("tiny", Start.AddDays(-1), TimeSpan.FromMilliseconds(1), 41, 0, 10, sequenceBits: 2);
        var generator = new SnowflakeIdGenerator(new IdGeneratorOptions { Layout = layout, TimeProvider = time });

        var ids = Enumerable.Range(0, 40).Select(_ => generator.NextId()).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids.GroupBy(id => layout.Decode(id).Ticks), tick => Assert.InRange(tick.Count(), 1, 4));
        Assert.True(ids.SequenceEqual(ids.Order()));
    }

    [Fact]
    public void Fence_Fired_StopsIssuing()
    {
        using var lease = new CancellationTokenSource();
        var generator = new SnowflakeIdGenerator(IdGeneratorOptions.Default with { Node = 5 }, lease.Token);
        _ = generator.NextId();

        lease.Cancel();

        var e = Assert.Throws<WorkerIdLostException>(() => generator.NextId());
        Assert.Equal(5, e.Node);
        Assert.Throws<WorkerIdLostException>(() => generator.NextIds(new long[3]));
    }

    [Fact]
    public void LayoutPastItsEnd_ThrowsExhausted()
    {
        var time = new TestClock(Start);
        var shortLived = new IdLayout("short", Start.AddMinutes(-30), TimeSpan.FromMilliseconds(1), timeBits: 20, 0, 10, 12);
        var generator = new SnowflakeIdGenerator(new IdGeneratorOptions { Layout = shortLived, TimeProvider = time });
        var e = Assert.Throws<IdSpaceExhaustedException>(() => generator.NextId());
        Assert.Equal(shortLived.ExhaustedAt, e.ExhaustedAt);
    }

    [Fact]
    public void Options_NodeOutOfRange_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SnowflakeIdGenerator(IdGeneratorOptions.Default with { Node = 1024 }));
        Assert.Equal("Node", e.ParamName);
    }

    [Fact]
    public void ClockBeforeEpoch_Throws()
    {
        var time = new TestClock(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Throws<InvalidOperationException>(() => new SnowflakeIdGenerator(new IdGeneratorOptions { Layout = IdLayout.JsSafe, TimeProvider = time }));
    }
}
