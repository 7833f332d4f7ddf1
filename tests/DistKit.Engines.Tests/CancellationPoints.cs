using System.Diagnostics;

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
        for (var point = 0; point < Points; point++)
        {
            // Point 0: cancelled before the call; then evenly to 1.5x the typical duration.
            var at = typical * (point * 1.5 / Points);
            using var cancel = new CancellationTokenSource();
            var canceller = Task.CompletedTask;
            if (point == 0)
            {
                await cancel.CancelAsync();
            }
            else
            {
                // The canceller's clock starts when its thread runs, so wait for that before the call.
                using var spinning = new ManualResetEventSlim();
                canceller = Task.Factory.StartNew(() => CancelAt(cancel, at, spinning), TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                spinning.Wait(TestContext.Current.CancellationToken);
            }

            string outcome;
            IAsyncDisposable? held = null;
            try
            {
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
            var deadline = Stopwatch.StartNew();
            var free = await nameIsFree();
            while (!free && deadline.Elapsed < freeWithin)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
                free = await nameIsFree();
            }

            Assert.True(free, $"the name is still taken {freeWithin.TotalMilliseconds:F0} ms after an acquire {outcome} at {at.TotalMilliseconds:F2} ms (typical acquire {typical.TotalMilliseconds:F2} ms)");
        }

        // Not vacuous: many points must have caught the call before it came back. An in-process
        // acquire is over in microseconds; only the point before the call can reach it.
        Assert.True(cancelledInFlight >= Points / 3 || typical < TimeSpan.FromMilliseconds(0.05), $"only {cancelledInFlight} of {Points} cancellations came before the call returned (" + string.Join(", ", outcomes.Select(o => $"{o.Key} {o.Value}")) + ")");
    }

    private static void CancelAt(CancellationTokenSource cancel, TimeSpan at, ManualResetEventSlim spinning)
    {
        var clock = Stopwatch.StartNew();
        spinning.Set();
        while (clock.Elapsed < at)
        {
            Thread.SpinWait(20);
        }

        cancel.Cancel();
    }
}
