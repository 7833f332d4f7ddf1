using DistKit.Scheduling.Timers;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Time.Testing;

namespace DistKit.Scheduling.Tests.Timers;

/// <summary>One step of a generated run: schedule a timer, cancel one, or move virtual time on.</summary>
internal abstract record TimerOp
{
    public sealed record Schedule(int DelayMs) : TimerOp;

    public sealed record Cancel(int Pick) : TimerOp;

    public sealed record Advance(int Ms) : TimerOp;

    public static Gen<TimerOp> Any { get; } = Gen.Frequency(
        (5, Gen.OneOf(Gen.Choose(0, 20), Gen.Choose(0, 2_000), Gen.Choose(0, 200_000)).Select(TimerOp (d) => new Schedule(d))),
        (2, Gen.Choose(0, 1_000).Select(TimerOp (p) => new Cancel(p))),
        (3, Gen.OneOf(Gen.Choose(0, 3), Gen.Choose(0, 60), Gen.Choose(0, 10_000)).Select(TimerOp (a) => new Advance(a))));

    public static Gen<TimerOp[]> Runs { get; } = Any.ArrayOf().Select(ops => ops.Take(300).ToArray());
}

/// <summary>
/// Runs generated operations against a queue in virtual time and against the obvious model (a list
/// of timers with due times), and checks what must hold of any timer queue: a timer fires once,
/// never before it is due and no later than the queue's bound allows; a timer whose cancel
/// succeeded never fires; a fired one cannot be cancelled; timers fired together fire in due order;
/// the pending count agrees with the model.
/// </summary>
internal static class TimerModel
{
    // lateness: the latest time a timer may fire, from its due time and the time it was scheduled (UTC ticks).
    public static void Check(Func<TimeProvider, Action<Exception>, ITimerScheduler> create, FakeTimeProvider time, IReadOnlyList<TimerOp> ops, Func<long, long, long> lateness)
    {
        // What a callback asserts fails the run here, not on the thread pool.
        var failures = new List<Exception>();
        using var queue = create(time, failures.Add);
        var timers = new List<Timer>();
        var fired = new List<(Timer Timer, long At)>();
        var pending = new List<Timer>();

        void Record(object? state)
        {
            var timer = (Timer)state!;
            Assert.Null(timer.FiredAt);
            Assert.False(timer.Cancelled, $"timer {timer.Id} fired after its cancel succeeded");
            timer.FiredAt = time.GetUtcNow().UtcTicks;
            fired.Add((timer, timer.FiredAt.Value));
        }

        foreach (var op in ops.Append(new TimerOp.Advance(int.MaxValue / 4)))
        {
            switch (op)
            {
                case TimerOp.Schedule s:
                    var now = time.GetUtcNow();
                    var timer = new Timer(timers.Count, (now + TimeSpan.FromMilliseconds(s.DelayMs)).UtcTicks, now.UtcTicks);
                    timer.Entry = queue.Schedule(TimeSpan.FromMilliseconds(s.DelayMs), Record, timer);
                    timers.Add(timer);
                    pending.Add(timer);
                    break;

                case TimerOp.Cancel c when timers.Count > 0:
                    var target = timers[c.Pick % timers.Count];
                    var cancelled = queue.Cancel(target.Entry!.Value);
                    Assert.Equal(target.FiredAt is null && !target.Cancelled, cancelled);
                    if (cancelled)
                    {
                        target.Cancelled = true;
                        pending.Remove(target);
                    }

                    break;

                case TimerOp.Advance a:
                    var before = time.GetUtcNow().UtcTicks;
                    var firstFired = fired.Count;
                    time.Advance(TimeSpan.FromMilliseconds(a.Ms));
                    var after = time.GetUtcNow().UtcTicks;

                    var batch = fired.Skip(firstFired).ToList();
                    foreach (var (t, at) in batch)
                    {
                        Assert.True(at >= t.Due, $"timer {t.Id} fired {TimeSpan.FromTicks(t.Due - at)} early");
                        pending.Remove(t);
                    }

                    Assert.True(batch.Select(b => b.Timer.Due).SequenceEqual(batch.Select(b => b.Timer.Due).Order()), "timers fired together out of due order");
                    foreach (var late in pending.Where(t => lateness(t.Due, t.ScheduledAt) <= after))
                    {
                        Assert.Fail($"timer {late.Id} due {TimeSpan.FromTicks(late.Due - before)} after the advance began had not fired {TimeSpan.FromTicks(after - late.Due)} after its due time");
                    }

                    break;
            }

            Assert.Empty(failures);
            Assert.Equal(pending.Count, queue.Count);
        }

        Assert.Empty(pending);
        Assert.Equal(timers.Count(t => !t.Cancelled), fired.Count);
    }

    public sealed class Timer(int id, long due, long scheduledAt)
    {
        public int Id { get; } = id;

        public long Due { get; } = due;

        public long ScheduledAt { get; } = scheduledAt;

        public TimerHandle? Entry { get; set; }

        public long? FiredAt { get; set; }

        public bool Cancelled { get; set; }
    }
}
