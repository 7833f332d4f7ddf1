using BenchmarkDotNet.Attributes;
using DistKit.Scheduling.Timers;

namespace DistKit.Benchmarks;

/// <summary>
/// Schedule then cancel a million timers, all pending at once (due 1 s to 1 h out, none fires):
/// the timing wheel and the 4-ary heap against what .NET gives, an <see cref="ITimer"/> per timer
/// from <see cref="TimeProvider.System"/> (System.Threading.Timer underneath). The queues are
/// long-lived, as the system's timer queue is, so they reuse their slots from one million to the
/// next; the "fresh" rows build a new queue each time, and their "Allocated" divided by
/// <see cref="Timers"/> is what each pending timer costs in memory, array growth included.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 7)]
public class TimerQueueBenchmarks : IDisposable
{
    private static readonly Action<object?> Callback = static _ => { };
    private static readonly TimerCallback TimerCallback = static _ => { };

    private TimeSpan[] _delays = [];
    private TimingWheel _wheel = null!;
    private TimerHeap _heap = null!;

    [Params(1_000_000)]
    public int Timers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _delays = [.. Enumerable.Range(0, Timers).Select(_ => TimeSpan.FromMilliseconds(random.Next(1_000, 3_600_000)))];
        _wheel = new TimingWheel();
        _heap = new TimerHeap();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _wheel.Dispose();
        _heap.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "TimeProvider.System.CreateTimer + Dispose")]
    public void SystemTimers()
    {
        var timers = new ITimer[Timers];
        for (var i = 0; i < timers.Length; i++)
        {
            timers[i] = TimeProvider.System.CreateTimer(TimerCallback, null, _delays[i], Timeout.InfiniteTimeSpan);
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }
    }

    [Benchmark(Description = "TimingWheel (1 ms tick): Schedule + Cancel")]
    public void Wheel() => ScheduleAndCancel(_wheel);

    [Benchmark(Description = "TimerHeap (4-ary): Schedule + Cancel")]
    public void Heap() => ScheduleAndCancel(_heap);

    [Benchmark(Description = "TimingWheel, fresh: Schedule + Cancel")]
    public void FreshWheel()
    {
        using var wheel = new TimingWheel();
        ScheduleAndCancel(wheel);
    }

    [Benchmark(Description = "TimerHeap, fresh: Schedule + Cancel")]
    public void FreshHeap()
    {
        using var heap = new TimerHeap();
        ScheduleAndCancel(heap);
    }

    private void ScheduleAndCancel(ITimerScheduler queue)
    {
        var timers = new TimerHandle[Timers];
        for (var i = 0; i < timers.Length; i++)
        {
            timers[i] = queue.Schedule(_delays[i], Callback, null);
        }

        foreach (var timer in timers)
        {
            queue.Cancel(timer);
        }
    }
}
