using System.Collections.Concurrent;
using DistKit.Scheduling.Timers;
using Microsoft.Extensions.Time.Testing;

namespace DistKit.Scheduling.Tests.Timers;

/// <summary>What the property runs do not reach: failing callbacks, re-entrant use, disposal, real time.</summary>
public sealed class TimerQueueTests
{
    public static TheoryData<string> Queues => ["wheel", "heap"];

    private static ITimerScheduler Create(string kind, TimeProvider time, Action<Exception>? failed = null) =>
        kind == "wheel" ? new TimingWheel(time, callbackFailed: failed) : new TimerHeap(time, failed);

    [Theory]
    [MemberData(nameof(Queues))]
    public void ACallbackThatThrows_IsReported_AndTheOthersStillFire(string kind)
    {
        var time = new FakeTimeProvider();
        var failures = new List<Exception>();
        using var queue = Create(kind, time, failures.Add);
        var ran = new List<int>();
        queue.Schedule(TimeSpan.FromMilliseconds(10), _ => ran.Add(1), null);
        queue.Schedule(TimeSpan.FromMilliseconds(10), _ => throw new InvalidOperationException("boom"), null);
        queue.Schedule(TimeSpan.FromMilliseconds(10), _ => ran.Add(3), null);

        time.Advance(TimeSpan.FromMilliseconds(20));

        Assert.Equal([1, 3], ran);
        Assert.Equal("boom", Assert.Single(failures).Message);
    }

    [Theory]
    [MemberData(nameof(Queues))]
    public void ACallback_MayScheduleAndCancel_OnItsOwnQueue(string kind)
    {
        var time = new FakeTimeProvider();
        using var queue = Create(kind, time);
        var ran = new List<string>();
        TimerHandle? victim = null;
        queue.Schedule(TimeSpan.FromMilliseconds(5), _ =>
        {
            ran.Add("first");
            Assert.True(queue.Cancel(victim!.Value));
            queue.Schedule(TimeSpan.FromMilliseconds(5), _ => ran.Add("rescheduled"), null);
        }, null);
        victim = queue.Schedule(TimeSpan.FromMilliseconds(8), _ => ran.Add("victim"), null);

        time.Advance(TimeSpan.FromMilliseconds(6));
        time.Advance(TimeSpan.FromMilliseconds(10));

        Assert.Equal(["first", "rescheduled"], ran);
        Assert.Equal(0, queue.Count);
    }

    [Theory]
    [MemberData(nameof(Queues))]
    public void AfterDispose_NothingFires_AndScheduleIsRefused(string kind)
    {
        var time = new FakeTimeProvider();
        var queue = Create(kind, time);
        var ran = false;
        var timer = queue.Schedule(TimeSpan.FromMilliseconds(5), _ => ran = true, null);

        queue.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(ran);
        Assert.False(queue.Cancel(timer));
        Assert.Throws<ObjectDisposedException>(() => queue.Schedule(TimeSpan.Zero, _ => { }, null));
    }

    [Theory]
    [MemberData(nameof(Queues))]
    public void ANegativeDelay_IsRefused(string kind)
    {
        using var queue = Create(kind, new FakeTimeProvider());
        Assert.Throws<ArgumentOutOfRangeException>(() => queue.Schedule(TimeSpan.FromMilliseconds(-1), _ => { }, null));
    }

    [Theory]
    [MemberData(nameof(Queues))]
    public void AHandleKeptAfterItsTimerFired_DoesNotCancelTheTimerThatReusedItsSlot(string kind)
    {
        var time = new FakeTimeProvider();
        using var queue = Create(kind, time);
        var first = queue.Schedule(TimeSpan.FromMilliseconds(1), _ => { }, null);
        time.Advance(TimeSpan.FromMilliseconds(5));
        var ran = false;
        var second = queue.Schedule(TimeSpan.FromMilliseconds(1), _ => ran = true, null);

        Assert.False(queue.Cancel(first));
        Assert.False(queue.Cancel(default));
        Assert.NotEqual(first, second);
        time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.True(ran);
    }

    // System.Threading.Timer refuses waits beyond ~49.7 days: far timers are reached in steps.
    [Theory]
    [MemberData(nameof(Queues))]
    public void ATimerMonthsAway_FiresOnTime_WhenTheClockMovesAMonthAtATime(string kind)
    {
        var time = new FakeTimeProvider();
        var failures = new List<Exception>();
        using var queue = Create(kind, time, failures.Add);
        var due = time.GetUtcNow().AddDays(200);
        DateTimeOffset? firedAt = null;
        queue.Schedule(due, _ => firedAt = time.GetUtcNow(), null);
        queue.Schedule(DateTimeOffset.MaxValue, _ => { }, null);

        for (var step = 0; step < 6; step++)
        {
            time.Advance(TimeSpan.FromDays(30));
        }

        Assert.Null(firedAt);
        time.Advance(TimeSpan.FromDays(20));
        Assert.Equal(due, firedAt);
        Assert.Equal(1, queue.Count);
        Assert.Empty(failures);
    }

    [Fact]
    public void Wheel_TimersYearsAway_CascadeThroughLazilyAddedLevels()
    {
        var time = new FakeTimeProvider();
        using var wheel = new TimingWheel(time, TimeSpan.FromMilliseconds(1), wheelSize: 4);
        var due = time.GetUtcNow().AddDays(800);
        DateTimeOffset? firedAt = null;
        wheel.Schedule(due, _ => firedAt = time.GetUtcNow(), null);

        time.Advance(TimeSpan.FromDays(800) - TimeSpan.FromMilliseconds(1));
        Assert.Null(firedAt);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(due, firedAt);
    }

    // Real time, real thread pool: every timer fires, none before its due time by the system clock.
    [Theory]
    [MemberData(nameof(Queues))]
    public async Task OnTheSystemClock_EveryTimerFires_NoneEarly(string kind)
    {
        using var queue = Create(kind, TimeProvider.System);
        const int Count = 2_000;
        var early = new ConcurrentBag<TimeSpan>();
        var remaining = Count;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < Count; i++)
        {
            queue.Schedule(TimeSpan.FromMilliseconds(i % 200), state =>
            {
                var lead = (DateTimeOffset)state! - DateTimeOffset.UtcNow;
                if (lead > TimeSpan.Zero)
                {
                    early.Add(lead);
                }

                if (Interlocked.Decrement(ref remaining) == 0)
                {
                    done.SetResult();
                }
            }, DateTimeOffset.UtcNow.AddMilliseconds(i % 200));
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Empty(early);
    }
}
