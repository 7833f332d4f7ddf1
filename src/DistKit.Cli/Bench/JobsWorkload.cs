namespace DistKit.Cli.Bench;

/// <summary>
/// The three phases every library runs, each with its own jobs:
/// <list type="number">
/// <item>scheduling: <c>jobs</c> jobs scheduled as fast as 16 callers can, due far out (then
/// removed), so nothing fires while they are stored: <c>schedule_per_sec</c>;</item>
/// <item>firing: <c>jobs</c> jobs all due at one instant, chosen from the scheduling rate just
/// measured so that every one is stored before it: <c>fire_per_sec</c> from that instant to the
/// last handler's start;</item>
/// <item>steady: <c>jobs</c> jobs at a fixed rate, each due <c>lead</c> after it is scheduled, so
/// scheduling and firing run together: lateness from due time to the handler's start.</item>
/// </list>
/// </summary>
internal static class JobsWorkload
{
    private const int Callers = 16;
    private static readonly TimeSpan FarOut = TimeSpan.FromMinutes(30);

    public static async Task<JobsFigures> RunAsync(JobContender contender, int jobs, double rate, TimeSpan lead, TimeSpan patience, CancellationToken cancellationToken)
    {
        await contender.StartAsync(cancellationToken);
        var time = TimeProvider.System;

        var clock = time.GetTimestamp();
        await ScheduleAllAsync(contender, 0, jobs, _ => time.GetUtcNow() + FarOut, cancellationToken);
        var schedulePerSec = jobs / time.GetElapsedTime(clock).TotalSeconds;
        await contender.ForgetAsync(cancellationToken);

        // Every job of the firing phase is stored before the instant, with room to spare.
        var storing = TimeSpan.FromSeconds(Math.Min(jobs / schedulePerSec * 2 + 1, 600));
        // On a whole millisecond, the precision stores keep due times to: a job due at a truncated
        // instant could otherwise start before the instant the rate is measured from.
        var instant = DateTimeOffset.FromUnixTimeMilliseconds((time.GetUtcNow() + storing).ToUnixTimeMilliseconds() + 1);
        await ScheduleAllAsync(contender, jobs, 2 * jobs, _ => instant, cancellationToken);
        await UntilFiredAsync(contender, jobs, storing + patience, cancellationToken);
        var fired = contender.Fired.Between(jobs, 2 * jobs);
        var span = fired.Count == 0 ? 0 : (fired.Max(s => s.Started) - instant).TotalSeconds;
        var firePerSec = span > 0 ? fired.Select(s => s.Index).Distinct().Count() / span : 0;

        // Steady: job k is scheduled at start + k / rate by whichever caller is free.
        var start = time.GetTimestamp();
        await ScheduleAllAsync(contender, 2 * jobs, 3 * jobs, _ => time.GetUtcNow() + lead, cancellationToken, i => TimeSpan.FromSeconds((i - 2 * jobs) / rate) - time.GetElapsedTime(start));
        await UntilFiredAsync(contender, 2 * jobs, patience, cancellationToken);
        var steady = contender.Fired.Between(2 * jobs, 3 * jobs);
        var lateness = steady.GroupBy(s => s.Index).Select(g => (g.Min(s => s.Started) - g.First().Due).TotalMilliseconds).Order().ToArray();

        return new JobsFigures(
            schedulePerSec,
            firePerSec,
            Percentile(lateness, 0.50),
            Percentile(lateness, 0.99),
            lateness.Length == 0 ? 0 : lateness[^1],
            Lost: 2 * jobs - contender.Fired.Distinct,
            Duplicates: contender.Fired.Total - contender.Fired.Distinct);
    }

    private static async Task ScheduleAllAsync(JobContender contender, int from, int to, Func<int, DateTimeOffset> due, CancellationToken cancellationToken, Func<int, TimeSpan>? wait = null)
    {
        var next = from - 1;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < to; i = Interlocked.Increment(ref next))
            {
                if (wait?.Invoke(i) is { } pause && pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, TimeProvider.System, cancellationToken);
                }

                await contender.ScheduleAsync(i, due(i), cancellationToken);
            }
        }, cancellationToken)));
    }

    private static async Task UntilFiredAsync(JobContender contender, int count, TimeSpan patience, CancellationToken cancellationToken)
    {
        var waited = TimeProvider.System.GetTimestamp();
        while (contender.Fired.Distinct < count && TimeProvider.System.GetElapsedTime(waited) < patience)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, cancellationToken);
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
