using System.Diagnostics;
using DistKit.Scheduling.Diagnostics;

namespace DistKit.Scheduling.Jobs;

internal sealed partial class JobFiring
{
    // Jobs whose time came are claimed in batches: one store call claims everything that fired
    // together, under each shard's fence, and only what it returns is delivered. A batch is no
    // larger than the free delivery slots, so nothing is claimed that must then wait to be
    // delivered (its claim could run out meanwhile, and it would be delivered twice).
    private async Task ClaimLoopAsync()
    {
        var reader = _fired.Reader;
        var batch = new List<DueJob>(ClaimBatch);
        var claims = new List<JobClaim>(ClaimBatch);
        var under = new List<OwnedShard>(ClaimBatch);
        while (!_stop.IsCancellationRequested)
        {
            var slots = 0;
            try
            {
                if (!await reader.WaitToReadAsync(_stop.Token))
                {
                    return;
                }

                await _concurrency.WaitAsync(_stop.Token);
                slots = 1;
                while (slots < ClaimBatch && _concurrency.Wait(0))
                {
                    slots++;
                }

                // A job fired ClaimAhead early leaves time to gather the ones due just after it.
                if (reader.TryPeek(out var first) && first.Due - _time.GetUtcNow() > ClaimAhead / 2)
                {
                    await Task.Delay(ClaimAhead / 5, _time, _stop.Token);
                }

                batch.Clear();
                claims.Clear();
                under.Clear();
                while (batch.Count < slots && reader.TryRead(out var job))
                {
                    batch.Add(job);
                }

                lock (_gate)
                {
                    foreach (var job in batch)
                    {
                        if (_owned.TryGetValue(job.Shard, out var shard) && !shard.Closing)
                        {
                            // Counted before the claim, so a hand-back waits for it.
                            shard.InFlight++;
                            claims.Add(new JobClaim(job.Id, job.Shard, shard.Fence));
                            under.Add(shard);
                        }
                    }
                }

                if (claims.Count == 0)
                {
                    continue;
                }

                IReadOnlyList<Job> claimed;
                try
                {
                    claimed = await _store.ClaimAsync(claims, _time.GetUtcNow() + ClaimAhead, _stop.Token);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    if (!Survivable(e, "claim"))
                    {
                        lock (_gate)
                        {
                            under.ForEach(Settle);
                        }

                        throw;
                    }

                    // Back into the wheel a moment later; the claim decides again then.
                    var retryAt = _time.GetUtcNow() + StoreRetry;
                    foreach (var job in batch)
                    {
                        Offer(job with { Due = retryAt });
                    }

                    claimed = [];
                }

                var byId = new Dictionary<string, Job>(claimed.Count, StringComparer.Ordinal);
                foreach (var job in claimed)
                {
                    byId[job.Id] = job;
                }

                List<string>? refused = null;
                for (var i = 0; i < claims.Count; i++)
                {
                    if (byId.Remove(claims[i].Id, out var job))
                    {
                        slots--;
                        Track(DeliverOnTimeAsync(job, under[i]));
                    }
                    else
                    {
                        Done(under[i]);
                        (refused ??= []).Add(claims[i].Id);
                    }
                }

                if (refused is not null && claimed.Count > 0)
                {
                    await OfferAgainAsync(refused);
                }
            }
            catch (Exception e) when (Survivable(e, "claim"))
            {
                await PauseAsync(StoreRetry);
            }
            finally
            {
                if (slots > 0)
                {
                    _concurrency.Release(slots);
                }
            }
        }
    }

    // A refused claim is usually a job cancelled, finished or moved since it was loaded; but a row
    // another transaction held (SKIP LOCKED) or a move whose notice has not come yet is still
    // waiting, and would otherwise sit until the next window load.
    private async Task OfferAgainAsync(List<string> refused)
    {
        try
        {
            var soonest = _time.GetUtcNow() + TimeSpan.FromMilliseconds(20);
            foreach (var job in await _store.WaitingAsync(refused, _stop.Token))
            {
                Offer(job.Due < soonest ? job with { Due = soonest } : job);
            }
        }
        catch (Exception e) when (Survivable(e, "look again"))
        {
            _reload.Release();
        }
    }

    private void Track(Task delivery)
    {
        var id = Interlocked.Increment(ref _nextDelivery);
        lock (_gate)
        {
            _deliveriesInFlight[id] = delivery;
        }

        delivery.ContinueWith((_, state) =>
        {
            var (firing, key) = ((JobFiring, long))state!;
            lock (firing._gate)
            {
                firing._deliveriesInFlight.Remove(key);
            }
        }, (this, id), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    // The claim came early; the delivery starts from the wheel at the due time, never before it.
    private Task DeliverOnTimeAsync(Job job, OwnedShard shard)
    {
        if (job.Due <= _time.GetUtcNow())
        {
            return DeliverAsync(job, shard, null);
        }

        var due = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _wheel.Schedule(job.Due, static gate => ((TaskCompletionSource)gate!).TrySetResult(), due);
        return DeliverAsync(job, shard, due.Task);
    }

    private async Task DeliverAsync(Job job, OwnedShard shard, Task? due)
    {
        try
        {
            if (due is not null)
            {
                await due.WaitAsync(_abort.Token);
                if (shard.Lease.Lost.IsCancellationRequested)
                {
                    // Lost while waiting for the due time: the next owner delivers it (its claim is
                    // stale there), and delivering here too would only make a duplicate.
                    return;
                }
            }
            else
            {
                await Task.Yield();
            }

            var started = _time.GetUtcNow();
            string? error = null;
            var skip = job.Cron is not null && job.Misfire == MisfirePolicy.Skip && started - job.Due > MisfireThreshold;
            if (!skip)
            {
                _telemetry.Fired(job, job.Attempt == 1 ? started - job.Due : null);
                using var activity = JobsTelemetry.Source.StartActivity("job deliver", ActivityKind.Producer);
                activity?.SetTag("distkit.job.id", job.Id);
                activity?.SetTag("distkit.job.attempt", job.Attempt);
                activity?.SetTag("distkit.job.target", job.Target.KindName);
                error = _deliveries.For(job.Target.Kind) is { } delivery
                    ? await delivery.DeliverAsync(job, _abort.Token)
                    : $"this process has no delivery for {job.Target.KindName} targets";
                if (error is not null)
                {
                    activity?.SetStatus(ActivityStatusCode.Error, error);
                }
            }

            // Never before the claim's own stamp, which is ClaimAhead ahead of the clock: a report
            // of this job with an older version must not win over its next due time.
            var ended = _time.GetUtcNow();
            var completion = Decide(job, error, ended > job.Updated ? ended : job.Updated, shard.Fence);
            if (error is not null)
            {
                JobsLog.DeliveryFailed(_telemetry.Logger, job.Id, job.Attempt, error);
                _telemetry.Failed(job, dead: completion.Outcome == CompletionOutcome.Dead);
            }

            if (!await CompleteAsync(completion, shard))
            {
                JobsLog.CompletionRefused(_telemetry.Logger, job.Id, job.Attempt);
            }
            else if (completion.NextDue is { } next)
            {
                Offer(new DueJob(job.Id, job.Shard, next, completion.Now.ToUnixTimeMilliseconds()));
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Abandoned at shutdown: the job stays running, and the shard's next owner redelivers it.
        }
        finally
        {
            Done(shard);
            _concurrency.Release();
        }
    }

    private JobCompletion Decide(Job job, string? error, DateTimeOffset now, long fence)
    {
        var outcome = CompletionOutcome.Succeeded;
        DateTimeOffset? next = null;
        if (error is not null && job.Attempt < job.Retry.Attempts)
        {
            outcome = CompletionOutcome.Retry;
            lock (_random)
            {
                next = now + job.Retry.DelayAfter(job.Attempt, _random);
            }
        }
        else if (job.Cron is not null)
        {
            // Missed occurrences fold into this one: the next is the first after now.
            next = CronSchedule.Next(job.Cron, now > job.Due ? now : job.Due);
            outcome = next is null ? (error is null ? CompletionOutcome.Succeeded : CompletionOutcome.Dead) : CompletionOutcome.Next;
        }
        else if (error is not null)
        {
            outcome = CompletionOutcome.Dead;
        }

        return new JobCompletion
        {
            Id = job.Id,
            Shard = job.Shard,
            Fence = fence,
            Attempt = job.Attempt,
            Outcome = outcome,
            NextDue = next,
            Error = error,
            Now = now,
        };
    }

    private Task<bool> CompleteAsync(JobCompletion completion, OwnedShard shard)
    {
        var landed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_completions.Writer.TryWrite(new PendingCompletion(completion, shard, landed)))
        {
            landed.TrySetResult(false);
        }

        return landed.Task;
    }

    // Completions go to the store in batches, as claims do: a burst of deliveries ending together
    // costs one round trip, and the store's connections stay free for the leases' renewals. A
    // batch the store did not answer is retried while its shards are still ours: dropping it would
    // leave the jobs running until the next owner redelivers them.
    private async Task CompletionLoopAsync()
    {
        var reader = _completions.Reader;
        var batch = new List<PendingCompletion>(ClaimBatch);
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token))
            {
                batch.Clear();
                while (batch.Count < ClaimBatch && reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                var delay = StoreRetry;
                while (batch.Count > 0)
                {
                    try
                    {
                        var landed = await _store.CompleteAsync([.. batch.Select(p => p.Completion)], _abort.Token);
                        for (var i = 0; i < batch.Count; i++)
                        {
                            batch[i].Landed.TrySetResult(landed[i]);
                        }

                        break;
                    }
                    catch (Exception e) when (!IsTransient(e) && e is not OperationCanceledException and not OutOfMemoryException)
                    {
                        // Not an outage: these jobs stay running, and are delivered again once their claims run out.
                        JobsLog.LoopFailed(_telemetry.Logger, "complete", $"{e.GetType().Name}: {e.Message}");
                        foreach (var failed in batch)
                        {
                            failed.Landed.TrySetResult(false);
                        }

                        break;
                    }
                    catch (Exception e) when (IsTransient(e))
                    {
                        JobsLog.StoreFailed(_telemetry.Logger, "complete", e.Message);
                        foreach (var lost in batch.Where(p => p.Shard.Lease.Lost.IsCancellationRequested))
                        {
                            lost.Landed.TrySetResult(false);
                        }

                        batch.RemoveAll(p => p.Landed.Task.IsCompleted);
                        await Task.Delay(delay, _time, _abort.Token);
                        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            // Abandoned at shutdown: these jobs stay running, and the shards' next owners redeliver them.
        }
        finally
        {
            foreach (var pending in batch)
            {
                pending.Landed.TrySetResult(false);
            }

            while (reader.TryRead(out var left))
            {
                left.Landed.TrySetResult(false);
            }
        }
    }

    private readonly record struct PendingCompletion(JobCompletion Completion, OwnedShard Shard, TaskCompletionSource<bool> Landed);
}
