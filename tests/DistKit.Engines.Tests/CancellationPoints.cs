using System.Diagnostics;
using DistKit.Testing;

namespace DistKit.Engines.Tests;

/// <summary>
/// Cancels one call at many points of its life: before it is sent, and at spread-out instants
/// while it runs (in the middle of a round trip, between a grant and the put that uses it, just
/// after the server answered). The instants come from a thread that spins on the clock, since
/// timers here fire milliseconds late and would all land before or after an acquire.
/// </summary>
internal static class CancellationPoints
{
    private const int Points = 24;

    // Enough cancellations must land while the call is in flight, however the scheduler of a
    // loaded machine delays the cancelling thread: the points repeat, spread the same way, until
    // they have, or until this many attempts say the test cannot reach the call at all.
    private const int WantedInFlight = 8;
    private const int MaxAttempts = 400;

    /// <summary>
    /// Runs <paramref name="acquire"/> once per point; whatever it returns is disposed, and after
    /// each attempt <paramref name="nameIsFree"/> must turn true within <paramref name="freeWithin"/>,
    /// far below the TTL of anything the attempt may have left behind.
    /// </summary>
    public static async Task AssertEachLeavesTheNameFreeAsync(Func<CancellationToken, Task<IAsyncDisposable?>> acquire, Func<Task<bool>> nameIsFree, TimeSpan freeWithin)
    {
        // How long an uncancelled acquire takes here, so the points cover it from start to end.
        var durations = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            var held = await acquire(TestContext.Current.CancellationToken);
            durations.Add(clock.Elapsed);
            Assert.NotNull(held);
            await held.DisposeAsync();
        }

        var typical = durations.Order().ElementAt(durations.Count / 2);
        var outcomes = new Dictionary<string, int>();
        var cancelledInFlight = 0;
        for (var attempt = 0; attempt < MaxAttempts && (attempt < Points || (cancelledInFlight < WantedInFlight && typical >= TimeSpan.FromMilliseconds(0.05))); attempt++)
        {
            var point = attempt % Points;
            // An uncancelled acquire first, so every point starts from the same warm state (a
            // backend that closed its session after the last cancel has one open again), and its
            // duration is this point's measure of an acquire.
            var warmClock = Stopwatch.StartNew();
            var warm = await acquire(TestContext.Current.CancellationToken);
            var now = warmClock.Elapsed;
            Assert.NotNull(warm);
            await warm.DisposeAsync();

            // Point 0: cancelled before the call; then evenly to 1.5x an acquire's duration.
            var at = now * (point * 1.5 / Points);

            using var cancel = new CancellationTokenSource();
            using var go = new ManualResetEventSlim();
            var canceller = Task.CompletedTask;
            if (point == 0)
            {
                await cancel.CancelAsync();
            }
            else
            {
                // The canceller's clock starts at the call, not when its thread gets to run.
                using var spinning = new ManualResetEventSlim();
                canceller = Task.Factory.StartNew(() => CancelAt(cancel, at, spinning, go), TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                spinning.Wait(TestContext.Current.CancellationToken);
            }

            string outcome;
            IAsyncDisposable? held = null;
            try
            {
                go.Set();
                held = await acquire(cancel.Token);
                outcome = held is null ? "refused" : "acquired";
            }
            catch (OperationCanceledException)
            {
                outcome = "cancelled";
            }

            // Cancelled before the call came back, whatever it then did with the cancellation
            // (some backends finish a call already sent rather than abandon it).
            cancelledInFlight += cancel.IsCancellationRequested ? 1 : 0;
            if (held is not null)
            {
                await held.DisposeAsync();
            }

            await canceller;
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            var free = await Until.TrueAsync(nameIsFree, freeWithin, TestContext.Current.CancellationToken);

            Assert.True(free, $"the name is still taken {freeWithin.TotalMilliseconds:F0} ms after an acquire {outcome} at {at.TotalMilliseconds:F2} ms (typical acquire {typical.TotalMilliseconds:F2} ms)");
        }

        // Not vacuous: many points must have caught the call before it came back. An in-process
        // acquire is over in microseconds; only the point before the call can reach it.
        Assert.True(cancelledInFlight >= WantedInFlight || typical < TimeSpan.FromMilliseconds(0.05), $"only {cancelledInFlight} cancellations in {outcomes.Values.Sum()} attempts came before the call returned (" + string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")) + ")");
    }

    private static void CancelAt(CancellationTokenSource cancel, TimeSpan at, ManualResetEventSlim spinning, ManualResetEventSlim go)
    {
        spinning.Set();
        while (!go.IsSet)
        {
            Thread.SpinWait(20);
        }

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < at)
        {
            Thread.SpinWait(20);
        }

        cancel.Cancel();
    }
}
