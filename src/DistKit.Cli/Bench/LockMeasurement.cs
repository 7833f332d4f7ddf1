using DistKit.Cli.Conventions;

namespace DistKit.Cli.Bench;

/// <summary>
/// What <c>distkit bench locks</c> measures for one library: acquire+release/s from one client
/// alone, then N clients contending for one name, each holding for a while inside a
/// fencing-checked critical section.
/// </summary>
internal static class LockMeasurement
{
    /// <summary>
    /// Acquire+release per second from one client with nobody else around, for each library, in
    /// short rounds run back to back (which library goes first alternates), so both see the same
    /// moment of a shared, noisy machine. Each library's figure is its median round; the ratio is
    /// the median of the rounds' own ratios, which a background load that drifts across the run
    /// does not skew.
    /// </summary>
    public static async Task<UncontendedFigures> UncontendedAsync(IReadOnlyList<ContenderFactory> libraries, TimeSpan duration, int rounds, CancellationToken cancellationToken)
    {
        var clients = new ILockContender[libraries.Count];
        for (var i = 0; i < libraries.Count; i++)
        {
            clients[i] = await libraries[i].ConnectAsync(0, cancellationToken);
        }

        try
        {
            var perRound = duration / rounds;
            var results = libraries.Select(_ => new List<double>()).ToArray();
            for (var i = 0; i < libraries.Count; i++)
            {
                // Warm-up: connections, scripts loaded, JIT.
                await LoopAsync(libraries[i].Library, clients[i], TimeSpan.FromMilliseconds(500), cancellationToken);
            }

            for (var round = 0; round < rounds; round++)
            {
                var order = Enumerable.Range(0, libraries.Count);
                foreach (var i in round % 2 == 0 ? order : order.Reverse())
                {
                    results[i].Add(await LoopAsync(libraries[i].Library, clients[i], perRound, cancellationToken) / perRound.TotalSeconds);
                }
            }

            double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
            return new UncontendedFigures(
                [.. results.Select(Median)],
                libraries.Count == 2 ? Median(results[0].Zip(results[1], (ours, peer) => ours / peer)) : null);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private static async Task<long> LoopAsync(string library, ILockContender client, TimeSpan span, CancellationToken cancellationToken)
    {
        var name = $"bench-uncontended-{Guid.NewGuid():N}";
        long count = 0;
        var clock = MonotonicClock.StartNew();
        while (clock.Elapsed < span)
        {
            // Free every time, so any wait returns at once; a zero wait would fail a RedLock that
            // cannot complete its round trips synchronously (DistributedLock's does just that).
            var hold = await client.TryAcquireAsync(name, TimeSpan.FromSeconds(5), cancellationToken)
                ?? throw new InvalidOperationException($"{library}: an uncontended lock was not acquired within 5 s");
            await hold.Release();
            count++;
        }

        return count;
    }

    /// <summary>N clients on separate connections contending for one name for <paramref name="duration"/>.</summary>
    public static async Task<ContendedFigures> ContendedAsync(ContenderFactory factory, int clients, TimeSpan hold, TimeSpan duration, CancellationToken cancellationToken)
    {
        var contenders = new ILockContender[clients];
        for (var i = 0; i < clients; i++)
        {
            contenders[i] = await factory.ConnectAsync(i, cancellationToken);
        }

        try
        {
            // A short warm-up round on its own name, so the timed round starts with warm clients.
            await RoundAsync(contenders, $"bench-warmup-{Guid.NewGuid():N}", hold, TimeSpan.FromSeconds(1), cancellationToken);
            return await RoundAsync(contenders, $"bench-contended-{Guid.NewGuid():N}", hold, duration, cancellationToken);
        }
        finally
        {
            foreach (var contender in contenders)
            {
                await contender.DisposeAsync();
            }
        }
    }

    private static async Task<ContendedFigures> RoundAsync(ILockContender[] contenders, string name, TimeSpan hold, TimeSpan duration, CancellationToken cancellationToken)
    {
        var store = new GuardedCounter();
        var acquisitions = new long[contenders.Length];
        var waits = contenders.Select(_ => new List<double>()).ToArray();
        var clock = MonotonicClock.StartNew();

        async Task ClientAsync(int index)
        {
            var contender = contenders[index];
            while (clock.Elapsed < duration)
            {
                var asked = clock.Elapsed;
                var held = await contender.TryAcquireAsync(name, TimeSpan.FromMinutes(2), cancellationToken)
                    ?? throw new InvalidOperationException($"client {index} waited two minutes for the lock");
                var acquired = clock.Elapsed;

                // Every wait that began in the window counts, even one that ended after it: a client
                // starved until the others stopped is exactly what the maximum must show.
                waits[index].Add((acquired - asked).TotalMilliseconds);
                if (acquired < duration)
                {
                    acquisitions[index]++;
                }

                store.Enter(held.FencingToken);
                await HoldAsync(hold, cancellationToken);
                store.Leave();
                await held.Release();
            }
        }

        await Task.WhenAll(Enumerable.Range(0, contenders.Length).Select(i => Task.Run(() => ClientAsync(i), cancellationToken)));
        var all = waits.SelectMany(w => w).Order().ToArray();
        return new ContendedFigures(
            AcquisitionsPerSecond: acquisitions.Sum() / duration.TotalSeconds,
            PerClient: acquisitions,
            FairnessMaxMin: acquisitions.Max() / (double)Math.Max(1, acquisitions.Min()),
            WaitP50Ms: Percentile(all, 0.50),
            WaitP99Ms: Percentile(all, 0.99),
            WaitMaxMs: all.Length == 0 ? 0 : all[^1],
            Violations: store.Violations);
    }

    // Timers here fire late by milliseconds (Task.Delay(1 ms) takes about 5 ms on the machine the
    // figures in docs/locks.md come from), so a short hold is spun out on the clock instead: the
    // critical section lasts what --hold says, and the lock's own overhead is what the figures show.
    private static async Task HoldAsync(TimeSpan hold, CancellationToken cancellationToken)
    {
        if (hold >= TimeSpan.FromMilliseconds(20))
        {
            await Task.Delay(hold, TimeProvider.System, cancellationToken);
            return;
        }

        var clock = MonotonicClock.StartNew();
        while (clock.Elapsed < hold)
        {
            Thread.Yield();
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>
    /// The resource the critical sections write to: it counts overlapping holders, and refuses a
    /// write whose fencing token is not above the last holder's (each acquisition is a new holder).
    /// </summary>
    private sealed class GuardedCounter
    {
        private int _inside;
        private long _lastToken;
        private long _violations;

        public long Violations => Interlocked.Read(ref _violations);

        public void Enter(long? fencingToken)
        {
            var overlapping = Interlocked.Increment(ref _inside) != 1;
            var stale = fencingToken is { } token && Interlocked.Exchange(ref _lastToken, token) >= token;
            if (overlapping || stale)
            {
                Interlocked.Increment(ref _violations);
            }
        }

        public void Leave() => Interlocked.Decrement(ref _inside);
    }
}

/// <summary>The uncontended figures: acquire+release/s per library (median round), and DistKit's over the peer's (median of paired rounds).</summary>
internal sealed record UncontendedFigures(double[] PerSecond, double? Ratio);

/// <summary>The contended figures of one library.</summary>
internal sealed record ContendedFigures(
    double AcquisitionsPerSecond,
    long[] PerClient,
    double FairnessMaxMin,
    double WaitP50Ms,
    double WaitP99Ms,
    double WaitMaxMs,
    long Violations);
