using DistKit.Scheduling.Timers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace DistKit.Scheduling.Tests.Timers;

/// <summary>Both timer queues against the reference model, in virtual time.</summary>
public sealed class TimerQueuePropertyTests
{
    // An odd start (not on a tick boundary) so rounding to ticks is exercised.
    private static readonly Gen<FakeTimeProvider> Clocks =
        Gen.Choose(0, 9_999_999).Select(extra => new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(extra)));

    [Property(MaxTest = 300)]
    public Property Wheel_NeverFiresEarly_AndAtMostOneTickLate() =>
        Prop.ForAll(
            (from ops in TimerOp.Runs
             from tickMs in Gen.Elements(1, 7, 50)
             from size in Gen.Elements(2, 4, 8, 64, 512)
             from clock in Clocks
             select (ops, tickMs, size, clock)).ToArbitrary(),
            run =>
            {
                var tick = TimeSpan.FromMilliseconds(run.tickMs).Ticks;
                TimerModel.Check(
                    (time, failed) => new TimingWheel(time, TimeSpan.FromMilliseconds(run.tickMs), run.size, failed),
                    run.clock,
                    run.ops,
                    (due, scheduledAt) => Math.Max(due, scheduledAt) + tick);
            });

    [Property(MaxTest = 300)]
    public Property Heap_FiresExactlyWhenDue() =>
        Prop.ForAll(
            (from ops in TimerOp.Runs from clock in Clocks select (ops, clock)).ToArbitrary(),
            run => TimerModel.Check(
                (time, failed) => new TimerHeap(time, failed),
                run.clock,
                run.ops,
                // A timer already due fires at the next moment the clock moves (it never fires inside Schedule).
                (due, scheduledAt) => Math.Max(due, scheduledAt + 1)));
}
