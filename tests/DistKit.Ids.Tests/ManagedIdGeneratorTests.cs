using DistKit.Ids.Workers;

namespace DistKit.Ids.Tests;

public sealed class ManagedIdGeneratorTests
{
    private static readonly ManagedIdGeneratorOptions Quick = ManagedIdGeneratorOptions.Default with
    {
        RetryMin = TimeSpan.FromMilliseconds(10),
        RetryMax = TimeSpan.FromMilliseconds(50),
    };

    // Liveness only: a hang fails the test, a slow machine does not.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var hang = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(5, hang.Token).ConfigureAwait(ConfigureAwaitOptions.None);
        }

        Assert.True(condition(), what);
    }

    [Fact(Timeout = 30_000)]
    public async Task EngineDownAtStart_ThrowsTransientUnavailable_ThenIssuesOnceTheSourceAnswers()
    {
        var source = new ScriptedWorkerIdSource();
        source.Fail();
        source.Fail();
        await using var ids = new ManagedIdGenerator(source, Quick);

        await ids.StartAsync(TestContext.Current.CancellationToken);

        var refused = Assert.Throws<WorkerIdUnavailableException>(() => ids.NextId());
        Assert.True(refused.IsTransient);
        Assert.Contains("test-engine is unavailable", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<WorkerIdUnavailableException>(async () => await ids.CurrentAsync(TestContext.Current.CancellationToken));

        source.Give(7);
        await UntilAsync(() => ids.WorkerId == 7, "the worker id is held again");
        Assert.Equal(7, ids.Layout.Decode(ids.NextId()).Node);
        Assert.True(source.Asked >= 3);
    }

    [Fact(Timeout = 30_000)]
    public async Task LostWorkerId_StopsIssuing_UntilReacquired_AndNewIdsAreAboveEveryEarlierOne_EvenWithTheClockBack()
    {
        var clock = new TestClock(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero)) { AutoAdvance = TimeSpan.FromTicks(100) };
        var source = new ScriptedWorkerIdSource();
        var first = source.Give(5);
        await using var ids = new ManagedIdGenerator(source, Quick with
        {
            Generator = IdGeneratorOptions.Default with { TimeProvider = clock, ClockPolicy = ClockBackwardsPolicy.Logical },
        });
        await ids.StartAsync(TestContext.Current.CancellationToken);
        var before = new long[5_000];
        ids.NextIds(before);

        await first.CancelAsync();
        await UntilAsync(() => ids.WorkerId is null, "the lost worker id is dropped");
        Assert.ThrowsAny<Core.DistKitException>(() => ids.NextId());

        // Re-acquired as a lower worker id, on a clock that stepped back 2 s meanwhile: without the
        // marks of the earlier generator, its ids would sort below the ones issued before.
        clock.StepBack(TimeSpan.FromSeconds(2));
        source.Give(1);
        await UntilAsync(() => ids.WorkerId == 1, "a worker id is held again");
        var after = new long[5_000];
        ids.NextIds(after);

        Assert.True(after.Min() > before.Max(), $"first id after {after.Min()} is not above the last before {before.Max()}");
        Assert.Equal(1, source.Released);
    }

    [Fact(Timeout = 30_000)]
    public async Task WhileReacquiring_CallersAreRefusedAtOnce_NotHeldUp()
    {
        var source = new ScriptedWorkerIdSource();
        var first = source.Give(3);
        await using var ids = new ManagedIdGenerator(source, Quick);
        await ids.StartAsync(TestContext.Current.CancellationToken);
        Assert.True(ids.NextId() > 0);

        // Nothing queued: the re-acquisition hangs, as on an engine that does not answer.
        await first.CancelAsync();
        await UntilAsync(() => source.Asked == 2, "the generator tries again");

        var refused = await Assert.ThrowsAsync<WorkerIdUnavailableException>(async () => await ids.CurrentAsync(TestContext.Current.CancellationToken));
        Assert.True(refused.IsTransient);
        Assert.Throws<WorkerIdUnavailableException>(() => ids.TryNextIds(new long[10]));
    }

    [Fact(Timeout = 30_000)]
    public async Task Dispose_GivesTheWorkerIdBack_AndSavesTheMark()
    {
        var source = new ScriptedWorkerIdSource();
        source.Give(2);
        var marks = new MemoryTimeMarks();
        var ids = new ManagedIdGenerator(source, Quick with { TimeMarksFor = _ => marks });
        await ids.StartAsync(TestContext.Current.CancellationToken);
        var last = ids.NextId();

        await ids.DisposeAsync();
        await ids.DisposeAsync();

        Assert.Equal(1, source.Released);
        Assert.NotNull(marks.Saved);
        Assert.True(marks.Saved > IdLayout.Snowflake.Decode(last).Time);
        Assert.Throws<WorkerIdUnavailableException>(() => ids.NextId());
    }

    private sealed class MemoryTimeMarks : ITimeMarkStore
    {
        public DateTimeOffset? Saved { get; private set; }

        public DateTimeOffset? Load() => Saved;

        public void Save(DateTimeOffset mark) => Saved = mark;
    }
}
