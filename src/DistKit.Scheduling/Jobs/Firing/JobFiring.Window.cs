using DistKit.Scheduling.Diagnostics;

namespace DistKit.Scheduling.Jobs;

internal sealed partial class JobFiring
{
    // Every half window, the next window of due jobs goes into the wheel. This is not what decides
    // lateness: a job scheduled inside the loaded window reaches the wheel when it is scheduled.
    private async Task WindowLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var wait = _options.Window / 2;
            var now = _time.GetUtcNow();
            var until = now + _options.Window;
            int[] shards;
            lock (_gate)
            {
                // Raised before the query, so a job scheduled while it runs is taken from its notice.
                _loadedUntil = until;
                shards = [.. _owned.Keys];
            }

            if (shards.Length > 0)
            {
                try
                {
                    var due = await _store.LoadDueAsync(shards, until, now, LoadLimit, _stop.Token);
                    if (due.Count >= LoadLimit)
                    {
                        // More due in this window than one load takes: hold the window just past the
                        // last loaded job (so jobs due with it still get in) and come back for the
                        // rest before it is reached.
                        var last = due[^1].Due;
                        lock (_gate)
                        {
                            _loadedUntil = last.AddMilliseconds(1);
                        }

                        wait = TimeSpan.FromTicks(Math.Clamp((last - now).Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks, wait.Ticks));
                    }

                    foreach (var job in due)
                    {
                        Offer(job);
                    }
                }
                catch (Exception e) when (Survivable(e, "load window"))
                {
                    wait = StoreRetry;
                }
            }

            try
            {
                using var timeout = new CancellationTokenSource(wait, _time);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stop.Token);
                await _reload.WaitAsync(either.Token);
            }
            catch (OperationCanceledException)
            {
                // Time for the next window, or stopping.
            }
        }
    }

    private async Task LoadShardAsync(int shard)
    {
        DateTimeOffset until;
        lock (_gate)
        {
            until = _loadedUntil;
        }

        if (until == DateTimeOffset.MinValue)
        {
            return; // the window loop's first load covers it
        }

        try
        {
            var due = await _store.LoadDueAsync([shard], until, _time.GetUtcNow(), LoadLimit, _stop.Token);
            foreach (var job in due)
            {
                Offer(job);
            }

            if (due.Count >= LoadLimit)
            {
                _reload.Release(); // the window loop pages through the rest
            }
        }
        catch (Exception e) when (Survivable(e, "load shard"))
        {
            _reload.Release();
        }
    }

    // Notices of jobs other processes schedule inside the window. The store yields a default notice
    // once it listens: everything stored before then is loaded again, so a reconnect loses nothing.
    private async Task WatchLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var job in _store.WatchAsync(_stop.Token))
                {
                    if (job.Id is null)
                    {
                        _reload.Release();
                    }
                    else
                    {
                        Offer(job);
                    }
                }
            }
            catch (Exception e) when (!_stop.IsCancellationRequested && e is not OutOfMemoryException)
            {
                JobsLog.WatchEnded(_telemetry.Logger, e.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await PauseAsync(StoreRetry);
        }
    }
}
