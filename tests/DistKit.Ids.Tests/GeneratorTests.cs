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
    public void WorkerIdPastItsValidity_StopsIssuing_EvenIfTheLossWasNotSignalled()
    {
        var time = new TestClock(Start);
        var validUntil = Start.AddMilliseconds(10);
        var worker = new Workers.WorkerIdLease(3, release: null, validUntil: () => validUntil);
        var generator = new SnowflakeIdGenerator(new IdGeneratorOptions { TimeProvider = time }, worker);
        Assert.Equal(3, IdLayout.Snowflake.Decode(generator.NextId()).Node);

        time.Advance(TimeSpan.FromMilliseconds(9));
        Assert.True(IdLayout.Snowflake.Decode(generator.NextId()).Time < validUntil);

        time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Throws<WorkerIdLostException>(() => generator.NextId());

        // A renewal moves the validity on, and the generator follows it.
        validUntil = Start.AddSeconds(15);
        Assert.True(generator.NextId() > 0);
    }

    [Fact]
    public void AfterDispose_CallsThrow()
    {
        var generator = new SnowflakeIdGenerator(IdGeneratorOptions.Default);
        _ = generator.NextId();
        generator.Dispose();
        generator.Dispose();
        Assert.Throws<ObjectDisposedException>(() => generator.NextId());
    }

    [Fact]
    public void NearTheEndOfTheLayout_WithTimeMarks_ThrowsExhaustedInsteadOfOverflowing()
    {
        var dir = Directory.CreateTempSubdirectory("distkit-end-").FullName;
        try
        {
            var layout = new IdLayout("short", Start.AddMilliseconds(-((1 << 20) - 50)), TimeSpan.FromMilliseconds(1), timeBits: 20, 0, 10, 12);
            var time = new TestClock(Start) { AutoAdvance = TimeSpan.FromMilliseconds(1) };
            var generator = new SnowflakeIdGenerator(new IdGeneratorOptions { Layout = layout, TimeProvider = time, TimeMarks = new FileTimeMarkStore(Path.Combine(dir, "mark")) });
            var issued = new List<long>();
            Action drain = () =>
            {
                while (true)
                {
                    issued.Add(generator.NextId());
                }
            };
            Assert.Throws<IdSpaceExhaustedException>(drain);
            Assert.NotEmpty(issued);
            Assert.All(issued, id => Assert.InRange(id, 0, layout.MaxId));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
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

    [Fact]
    public void TryNextIds_StopsAtTheEndOfTheTicksSequence_InsteadOfWaiting_AndGoesOnAtTheNextTick()
    {
        var clock = new TestClock(Start);
        var generator = new SnowflakeIdGenerator(IdGeneratorOptions.Default with { Layout = IdLayout.Sonyflake, TimeProvider = clock });
        var ids = new long[1_000];

        var first = generator.TryNextIds(ids);
        var spent = generator.TryNextIds(ids.AsSpan(first));
        clock.Advance(IdLayout.Sonyflake.TimeUnit);
        var next = generator.TryNextIds(ids.AsSpan(first));

        Assert.Equal(IdLayout.Sonyflake.MaxSequence + 1, first);
        Assert.Equal(0, spent);
        Assert.Equal(IdLayout.Sonyflake.MaxSequence + 1, next);
        Assert.True(ids.AsSpan(0, first + next).ToArray().Zip(ids.Skip(1).Take(first + next - 1)).All(p => p.Second > p.First));
    }

    [Fact]
    public void TryNextIds_WithTheClockBehindWithinTheWait_ReturnsZeroInsteadOfWaiting()
    {
        var clock = new TestClock(Start);
        var generator = new SnowflakeIdGenerator(IdGeneratorOptions.Default with { TimeProvider = clock, MaxClockWait = TimeSpan.FromMilliseconds(5) });
        var before = generator.NextId();
        clock.StepBack(TimeSpan.FromMilliseconds(2));
        var ids = new long[4_097];

        Assert.Equal(0, generator.TryNextIds(ids));
        clock.Advance(TimeSpan.FromMilliseconds(3));
        Assert.True(generator.TryNextIds(ids) > 0);
        Assert.True(ids[0] > before);
    }
}
