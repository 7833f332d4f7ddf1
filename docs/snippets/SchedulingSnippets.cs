using DistKit.Scheduling.Timers;

namespace DistKit.Docs.Snippets;

// docs/jobs.md and src/DistKit.Scheduling/README.md
internal static class SchedulingSnippets
{
    public static void Timers()
    {
        using var timers = new TimingWheel(TimeProvider.System, tick: TimeSpan.FromMilliseconds(1));
        var timeout = timers.Schedule(TimeSpan.FromMinutes(15), state => CancelOrder((string)state!), "order:123");

        // Paid in time: the timeout never fires.
        if (timers.Cancel(timeout)) Console.WriteLine("order:123 paid");
    }

    private static void CancelOrder(string order) => Console.WriteLine($"{order} cancelled");
}
