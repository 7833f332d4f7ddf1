namespace DistKit.Ids.Tests;

/// <summary>Each clock policy, with the clock stepped back 2 ms and 2 s, on a controllable clock.</summary>
public sealed class ClockTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-ids-").FullName;

    private static (SnowflakeIdGenerator Generator, TestClock Time, long LastId) IssueThenStepBack(ClockBackwardsPolicy policy, TimeSpan back)
    {
        var time = new TestClock(Start);
        var generator = new SnowflakeIdGenerator(new IdGeneratorOptions { ClockPolicy = policy, TimeProvider = time });
        var last = generator.NextId();
        time.StepBack(back);
        return (generator, time, last);
    }

    [Fact]
    public void Wait_Back2ms_WaitsForTheClockThenIssuesAHigherId()
    {
        var (generator, time, last) = IssueThenStepBack(ClockBackwardsPolicy.Wait, TimeSpan.FromMilliseconds(2));
        var steppedBackTo = time.GetUtcNow();
        time.AutoAdvance = TimeSpan.FromMicroseconds(100);

        var id = generator.NextId();

        Assert.True(id > last);
        Assert.True(IdLayout.Snowflake.Decode(id).Time >= Start, "the id's time must not be ahead of the clock it waited for");
        Assert.True(time.GetUtcNow() - steppedBackTo >= TimeSpan.FromMilliseconds(2), "the generator must have waited the clock out");
    }

    [Fact]
    public void Wait_On10msLayout_Back1msAcrossATickBoundary_WaitsInsteadOfFailing()
    {
        var time = new TestClock(Start);
        var generator = new SnowflakeIdGenerator(new IdGeneratorOptions { Layout = IdLayout.Sonyflake, TimeProvider = time });
        var last = generator.NextId();
        time.StepBack(TimeSpan.FromMilliseconds(1));
        time.AutoAdvance = TimeSpan.FromMicroseconds(100);

        Assert.True(generator.NextId() > last);
    }

    [Fact]
    public void Wait_Back2s_ThrowsWithTheDrift_AndIssuesNothing()
    {
        var (generator, _, _) = IssueThenStepBack(ClockBackwardsPolicy.Wait, TimeSpan.FromSeconds(2));
        var e = Assert.Throws<ClockMovedBackwardsException>(() => generator.NextId());
        Assert.Equal(TimeSpan.FromSeconds(2), e.Drift);
        Assert.True(e.IsTransient);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(2000)]
    public void Fail_Back_ThrowsAtOnceWithTheDrift(int backMs)
    {
        var (generator, time, _) = IssueThenStepBack(ClockBackwardsPolicy.Fail, TimeSpan.FromMilliseconds(backMs));
        var before = time.GetUtcNow();
        var e = Assert.Throws<ClockMovedBackwardsException>(() => generator.NextId());
        Assert.Equal(TimeSpan.FromMilliseconds(backMs), e.Drift);
        Assert.Equal(before, time.GetUtcNow());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(2000)]
    public void Logical_Back_KeepsCountingFromTheLastTime_WithoutWaiting(int backMs)
    {
        var (generator, time, last) = IssueThenStepBack(ClockBackwardsPolicy.Logical, TimeSpan.FromMilliseconds(backMs));
        var before = time.GetUtcNow();

        var ids = Enumerable.Range(0, 10_000).Select(_ => generator.NextId()).ToList();

        Assert.Equal(before, time.GetUtcNow());
        Assert.True(ids[0] > last);
        Assert.True(ids.SequenceEqual(ids.Order()) && ids.Distinct().Count() == ids.Count);
        Assert.True(IdLayout.Snowflake.Decode(ids[0]).Time >= Start);
    }

    [Fact]
    public void Restart_AfterCrashWithClockBack2s_NeverIssuesBelowThePersistedMark()
    {
        var marks = new FileTimeMarkStore(Path.Combine(_dir, "mark"));
        var time = new TestClock(Start) { AutoAdvance = TimeSpan.FromMicroseconds(10) };
        var first = new SnowflakeIdGenerator(new IdGeneratorOptions { TimeProvider = time, TimeMarks = marks });
        var issued = Enumerable.Range(0, 5000).Select(_ => first.NextId()).ToList();
        time.AutoAdvance = TimeSpan.Zero;
        time.Advance(TimeSpan.FromMilliseconds(700));
        issued.Add(first.NextId());
        var mark = marks.Load()!.Value;

        // The process dies without Dispose; the clock steps back 2 s while it is down.
        time.StepBack(TimeSpan.FromSeconds(2));
        var second = new SnowflakeIdGenerator(new IdGeneratorOptions { TimeProvider = time, TimeMarks = marks, ClockPolicy = ClockBackwardsPolicy.Logical });
        var next = second.NextId();

        Assert.True(next > issued.Max());
        Assert.True(IdLayout.Snowflake.Decode(next).Time >= mark);
    }

    [Fact]
    public void Restart_AfterCrash_WithWaitPolicy_RefusesUntilTheClockPassesTheMark()
    {
        var marks = new FileTimeMarkStore(Path.Combine(_dir, "mark"));
        var time = new TestClock(Start);
        var first = new SnowflakeIdGenerator(new IdGeneratorOptions { TimeProvider = time, TimeMarks = marks });
        var last = first.NextId();

        var second = new SnowflakeIdGenerator(new IdGeneratorOptions { TimeProvider = time, TimeMarks = marks });
        Assert.Throws<ClockMovedBackwardsException>(() => second.NextId());

        time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.True(second.NextId() > last);
    }

    [Fact]
    public void Restart_AfterDispose_StartsAtOnceAboveTheLastId()
    {
        var marks = new FileTimeMarkStore(Path.Combine(_dir, "mark"));
        var time = new TestClock(Start);
        var first = new SnowflakeIdGenerator(new IdGeneratorOptions { TimeProvider = time, TimeMarks = marks });
        var last = first.NextId();
        first.Dispose();
        time.Advance(TimeSpan.FromMilliseconds(1));

        var second = new SnowflakeIdGenerator(new IdGeneratorOptions { TimeProvider = time, TimeMarks = marks, ClockPolicy = ClockBackwardsPolicy.Fail });

        Assert.True(second.NextId() > last);
    }

    [Fact]
    public void IssuingAcrossManyReaches_KeepsTheMarkAheadOfEveryId()
    {
        var marks = new FileTimeMarkStore(Path.Combine(_dir, "mark"));
        var time = new TestClock(Start);
        var generator = new SnowflakeIdGenerator(new IdGeneratorOptions { TimeProvider = time, TimeMarks = marks, TimeMarkReach = TimeSpan.FromMilliseconds(50) });
        for (var i = 0; i < 100; i++)
        {
            var id = generator.NextId();
            Assert.True(IdLayout.Snowflake.Decode(id).Time < marks.Load()!.Value);
            time.Advance(TimeSpan.FromMilliseconds(7));
        }
    }

    [Fact]
    public void ClockBehind_IsCountedOnTheDistKitIdsMeter()
    {
        long counted = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "DistKit.Ids" && instrument.Name == "distkit.ids.clock_behind")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref counted, value));
        listener.Start();

        var (generator, _, _) = IssueThenStepBack(ClockBackwardsPolicy.Fail, TimeSpan.FromSeconds(2));
        Assert.Throws<ClockMovedBackwardsException>(() => generator.NextId());

        Assert.True(Interlocked.Read(ref counted) >= 1);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
