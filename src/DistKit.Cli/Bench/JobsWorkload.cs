namespace DistKit.Cli.Bench;

/// <summary>
/// The two phases every library runs. Burst: <c>jobs</c> jobs scheduled as fast as 16 callers can,
/// each due <c>lead</c> after it is scheduled, for scheduling and firing throughput. Steady: as many
/// again at a fixed rate, each due <c>lead</c> after it is scheduled, for lateness (due time to the
/// handler's start) while scheduling and firing run together.
/// </summary>
internal static class JobsWorkload
{
    private const int Callers = 16;

    public static async Task<JobsFigures> RunAsync(JobContender contender, int jobs, double rate, TimeSpan lead, TimeSpan patience, CancellationToken cancellationToken)
    {
        await contender.StartAsync(cancellationToken);

        var clock = TimeProvider.System.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < jobs; i = Interlocked.Increment(ref next))
            {
                await contender.ScheduleAsync(i, TimeProvider.System.GetUtcNow() + lead, cancellationToken);
            }
        }, cancellationToken)));
        var schedulePerSec = jobs / TimeProvider.System.GetElapsedTime(clock).TotalSeconds;
        await UntilFiredAsync(contender, jobs, patience, cancellationToken);
        var burst = contender.Fired.Between(0, jobs);
        var span = burst.Count > 1 ? (burst.Max(s => s.Started) - burst.Min(s => s.Started)).TotalSeconds : 0;
        var firePerSec = span > 0 ? (burst.Select(s => s.Index).Distinct().Count() - 1) / span : 0;

        // Steady: job k is scheduled at start + k / rate by whichever caller is free.
        var start = TimeProvider.System.GetTimestamp();
        next = jobs - 1;
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < 2 * jobs; i = Interlocked.Increment(ref next))
            {
                var at = TimeSpan.FromSeconds((i - jobs) / rate);
                var wait = at - TimeProvider.System.GetElapsedTime(start);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, TimeProvider.System, cancellationToken);
                }

                await contender.ScheduleAsync(i, TimeProvider.System.GetUtcNow() + lead, cancellationToken);
            }
        }, cancellationToken)));
        await UntilFiredAsync(contender, 2 * jobs, patience, cancellationToken);
        var steady = contender.Fired.Between(jobs, 2 * jobs);
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
