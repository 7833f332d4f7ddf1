using DistKit.Scheduling.Jobs;

namespace DistKit.Engines.Tests.Jobs;

/// <summary>
/// What every engine's job store must do: the firing rules (one claim per due job, claims and
/// completions only under the shard's current fence, redelivery of what a fenced-off owner left
/// running) are the store's to enforce. One small class per engine supplies the store.
/// </summary>
public abstract class JobStoreContract
{
    private static readonly TimeProvider Time = TimeProvider.System;

    protected abstract IJobStore Store { get; }


    // Shards are shared by every test on one store; each test works in shards of its own.
    protected static int NewShard() => Random.Shared.Next(10_000, 1_000_000_000);

    protected static Job NewJob(int shard, DateTimeOffset due, string? key = null, string? idempotencyKey = null, string? data = "{\"n\": 1}") => new()
    {
        Id = JobIds.New(Time),
        Shard = shard,
        State = JobState.Scheduled,
        Due = DateTimeOffset.FromUnixTimeMilliseconds(due.ToUnixTimeMilliseconds()),
        Target = JobTarget.Http(new Uri("http://127.0.0.1:9/callback")),
        Data = data,
        Key = key,
        IdempotencyKey = idempotencyKey,
        Retry = RetryPolicy.Default with { Attempts = 2 },
        Timeout = TimeSpan.FromSeconds(5),
        Created = Now(),
        Updated = Now(),
    };

    protected static DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(Time.GetUtcNow().ToUnixTimeMilliseconds());

    [Fact(Timeout = 30_000)]
    public async Task Schedule_NewJob_IsStoredAndReadBackField_ForField()
    {
        var job = NewJob(NewShard(), Now().AddMinutes(5), key: "k-" + Guid.NewGuid(), idempotencyKey: "i-" + Guid.NewGuid()) with
        {
            Cron = "*/5 * * * *",
            Misfire = MisfirePolicy.Skip,
            Retry = new RetryPolicy { Attempts = 7, InitialDelay = TimeSpan.FromMilliseconds(250), MaxDelay = TimeSpan.FromSeconds(30) },
        };

        var scheduled = await Store.ScheduleAsync(job, notify: false, TestContext.Current.CancellationToken);

        Assert.Equal(ScheduleOutcome.Created, scheduled.Outcome);
        Assert.Equal(job, scheduled.Job);
        Assert.Equal(job, await Store.GetAsync(job.Id, TestContext.Current.CancellationToken));
        Assert.Null(await Store.GetAsync(JobIds.New(Time), TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task Schedule_SameIdempotencyKey_ReturnsTheFirstJobUnchanged()
    {
        var key = "idem-" + Guid.NewGuid();
        var first = await Store.ScheduleAsync(NewJob(NewShard(), Now().AddMinutes(1), idempotencyKey: key), false, TestContext.Current.CancellationToken);

        var again = await Store.ScheduleAsync(NewJob(NewShard(), Now().AddMinutes(9), idempotencyKey: key, data: "\"other\""), false, TestContext.Current.CancellationToken);

        Assert.Equal(ScheduleOutcome.Existing, again.Outcome);
        Assert.Equal(first.Job, again.Job);
    }

    [Fact(Timeout = 30_000)]
    public async Task Schedule_SameBusinessKey_ReplacesTheUnfinishedJob_KeepingItsId_AndAfterCancelCreatesAnother()
    {
        var key = "order:" + Guid.NewGuid() + ":timeout";
        var first = await Store.ScheduleAsync(NewJob(NewShard(), Now().AddMinutes(15), key: key), false, TestContext.Current.CancellationToken);

        var later = Now().AddMinutes(30);
        var replaced = await Store.ScheduleAsync(NewJob(NewShard(), later, key: key, data: "\"v2\""), false, TestContext.Current.CancellationToken);

        Assert.Equal(ScheduleOutcome.Replaced, replaced.Outcome);
        Assert.Equal(first.Job.Id, replaced.Job.Id);
        Assert.Equal(first.Job.Shard, replaced.Job.Shard);
        Assert.Equal(later, replaced.Job.Due);
        Assert.Equal("\"v2\"", replaced.Job.Data);

        var cancelled = await Store.CancelByKeyAsync(key, TestContext.Current.CancellationToken);
        Assert.Equal(JobState.Cancelled, cancelled?.State);
        Assert.Null(await Store.CancelByKeyAsync(key, TestContext.Current.CancellationToken));
        var next = await Store.ScheduleAsync(NewJob(NewShard(), later, key: key), false, TestContext.Current.CancellationToken);
        Assert.Equal(ScheduleOutcome.Created, next.Outcome);
        Assert.NotEqual(first.Job.Id, next.Job.Id);
    }

    [Fact(Timeout = 30_000)]
    public async Task Cancel_UnfinishedJob_Cancels_AndItCannotBeClaimed()
    {
        var shard = NewShard();
        await Store.OpenShardAsync(shard, 1, TestContext.Current.CancellationToken);
        var job = (await Store.ScheduleAsync(NewJob(shard, Now().AddSeconds(-1)), false, TestContext.Current.CancellationToken)).Job;

        var cancelled = await Store.CancelAsync(job.Id, TestContext.Current.CancellationToken);

        Assert.Equal(JobState.Cancelled, cancelled?.State);
        Assert.Empty(await Store.ClaimAsync([new JobClaim(job.Id, shard, 1)], Now(), TestContext.Current.CancellationToken));
        Assert.Equal(JobState.Cancelled, (await Store.CancelAsync(job.Id, TestContext.Current.CancellationToken))?.State);
        Assert.Null(await Store.CancelAsync(JobIds.New(Time), TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task Claim_DueJobUnderTheCurrentFence_RunsIt_Once_AndLeavesJobsNotYetDue()
    {
        var shard = NewShard();
        await Store.OpenShardAsync(shard, 3, TestContext.Current.CancellationToken);
        var due = (await Store.ScheduleAsync(NewJob(shard, Now().AddMilliseconds(-5)), false, TestContext.Current.CancellationToken)).Job;
        var notYet = (await Store.ScheduleAsync(NewJob(shard, Now().AddMinutes(1)), false, TestContext.Current.CancellationToken)).Job;

        var claimed = await Store.ClaimAsync([new JobClaim(due.Id, shard, 3), new JobClaim(notYet.Id, shard, 3)], Now(), TestContext.Current.CancellationToken);
        var again = await Store.ClaimAsync([new JobClaim(due.Id, shard, 3)], Now(), TestContext.Current.CancellationToken);

        var job = Assert.Single(claimed);
        Assert.Equal(due.Id, job.Id);
        Assert.Equal(JobState.Running, job.State);
        Assert.Equal(1, job.Attempt);
        Assert.Empty(again);
        Assert.Equal(JobState.Scheduled, (await Store.GetAsync(notYet.Id, TestContext.Current.CancellationToken))?.State);
    }

    [Fact(Timeout = 30_000)]
    public async Task Claim_UnderAnOlderFence_ClaimsNothing()
    {
        var shard = NewShard();
        await Store.OpenShardAsync(shard, 1, TestContext.Current.CancellationToken);
        var job = (await Store.ScheduleAsync(NewJob(shard, Now().AddSeconds(-1)), false, TestContext.Current.CancellationToken)).Job;
        await Store.OpenShardAsync(shard, 2, TestContext.Current.CancellationToken);
        await Store.OpenShardAsync(shard, 1, TestContext.Current.CancellationToken); // a fence never goes back

        Assert.Empty(await Store.ClaimAsync([new JobClaim(job.Id, shard, 1)], Now(), TestContext.Current.CancellationToken));
        Assert.Single(await Store.ClaimAsync([new JobClaim(job.Id, shard, 2)], Now(), TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task Complete_AfterTheShardMoved_IsRefused_AndTheNextOwnerRedeliversWithAHigherAttempt()
    {
        var shard = NewShard();
        await Store.OpenShardAsync(shard, 5, TestContext.Current.CancellationToken);
        var job = (await Store.ScheduleAsync(NewJob(shard, Now().AddSeconds(-1)), false, TestContext.Current.CancellationToken)).Job;
        var first = Assert.Single(await Store.ClaimAsync([new JobClaim(job.Id, shard, 5)], Now(), TestContext.Current.CancellationToken));

        await Store.OpenShardAsync(shard, 6, TestContext.Current.CancellationToken);
        var refused = (await Store.CompleteAsync([Completion(first, 5, CompletionOutcome.Succeeded)], TestContext.Current.CancellationToken))[0];
        var due = await Store.LoadDueAsync([shard], Now().AddMinutes(1), Now(), 100, TestContext.Current.CancellationToken);
        var redelivery = Assert.Single(await Store.ClaimAsync([new JobClaim(job.Id, shard, 6)], Now(), TestContext.Current.CancellationToken));
        var completed = (await Store.CompleteAsync([Completion(redelivery, 6, CompletionOutcome.Succeeded)], TestContext.Current.CancellationToken))[0];

        Assert.False(refused);
        Assert.Equal(job.Id, Assert.Single(due).Id);
        Assert.True(Assert.Single(due).Due <= Now());
        Assert.Equal(2, redelivery.Attempt);
        Assert.True(completed);
        Assert.Equal(JobState.Succeeded, (await Store.GetAsync(job.Id, TestContext.Current.CancellationToken))?.State);
    }

    [Fact(Timeout = 30_000)]
    public async Task Complete_ABatch_LandsEachCurrentClaim_AndRefusesEachStaleOne()
    {
        var (moved, kept) = (NewShard(), NewShard());
        await Store.OpenShardAsync(moved, 1, TestContext.Current.CancellationToken);
        await Store.OpenShardAsync(kept, 1, TestContext.Current.CancellationToken);
        var stale = (await Store.ScheduleAsync(NewJob(moved, Now().AddSeconds(-1)), false, TestContext.Current.CancellationToken)).Job;
        var current = (await Store.ScheduleAsync(NewJob(kept, Now().AddSeconds(-1)), false, TestContext.Current.CancellationToken)).Job;
        var claimed = await Store.ClaimAsync([new JobClaim(stale.Id, moved, 1), new JobClaim(current.Id, kept, 1)], Now(), TestContext.Current.CancellationToken);
        await Store.OpenShardAsync(moved, 2, TestContext.Current.CancellationToken);

        var landed = await Store.CompleteAsync(
            [Completion(claimed.Single(j => j.Id == stale.Id), 1, CompletionOutcome.Succeeded), Completion(claimed.Single(j => j.Id == current.Id), 1, CompletionOutcome.Succeeded)],
            TestContext.Current.CancellationToken);

        Assert.Equal([false, true], landed);
        Assert.Equal(JobState.Running, (await Store.GetAsync(stale.Id, TestContext.Current.CancellationToken))?.State);
        Assert.Equal(JobState.Succeeded, (await Store.GetAsync(current.Id, TestContext.Current.CancellationToken))?.State);
    }

    [Fact(Timeout = 30_000)]
    public async Task Complete_Retry_LeavesTheJobFailedUntilItsNextDue_AndTheWindowLoadFindsIt()
    {
        var shard = NewShard();
        await Store.OpenShardAsync(shard, 1, TestContext.Current.CancellationToken);
        var job = (await Store.ScheduleAsync(NewJob(shard, Now().AddSeconds(-1)), false, TestContext.Current.CancellationToken)).Job;
        var claimed = Assert.Single(await Store.ClaimAsync([new JobClaim(job.Id, shard, 1)], Now(), TestContext.Current.CancellationToken));
        var retryAt = Now().AddSeconds(2);

        Assert.True((await Store.CompleteAsync([Completion(claimed, 1, CompletionOutcome.Retry, retryAt, "HTTP 500")], TestContext.Current.CancellationToken))[0]);

        var stored = await Store.GetAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal(JobState.Failed, stored?.State);
        Assert.Equal(retryAt, stored?.Due);
        Assert.Equal("HTTP 500", stored?.LastError);
        Assert.Empty(await Store.ClaimAsync([new JobClaim(job.Id, shard, 1)], Now(), TestContext.Current.CancellationToken));
        Assert.Equal(retryAt, Assert.Single(await Store.LoadDueAsync([shard], Now().AddMinutes(1), Now(), 100, TestContext.Current.CancellationToken)).Due);
        var second = Assert.Single(await Store.ClaimAsync([new JobClaim(job.Id, shard, 1)], retryAt, TestContext.Current.CancellationToken));
        Assert.Equal(2, second.Attempt);
        Assert.True((await Store.CompleteAsync([Completion(second, 1, CompletionOutcome.Dead, error: "HTTP 500")], TestContext.Current.CancellationToken))[0]);
        Assert.Equal(JobState.Dead, (await Store.GetAsync(job.Id, TestContext.Current.CancellationToken))?.State);
    }

    [Fact(Timeout = 30_000)]
    public async Task Complete_NextOccurrence_SchedulesTheCronJobAgain_WithAttemptsReset()
    {
        var shard = NewShard();
        await Store.OpenShardAsync(shard, 1, TestContext.Current.CancellationToken);
        var job = (await Store.ScheduleAsync(NewJob(shard, Now().AddSeconds(-1)) with { Cron = "* * * * *" }, false, TestContext.Current.CancellationToken)).Job;
        var claimed = Assert.Single(await Store.ClaimAsync([new JobClaim(job.Id, shard, 1)], Now(), TestContext.Current.CancellationToken));
        var next = Now().AddMinutes(1);

        Assert.True((await Store.CompleteAsync([Completion(claimed, 1, CompletionOutcome.Next, next)], TestContext.Current.CancellationToken))[0]);

        var stored = await Store.GetAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal(JobState.Scheduled, stored?.State);
        Assert.Equal(0, stored?.Attempt);
        Assert.Equal(next, stored?.Due);
    }

    [Fact(Timeout = 30_000)]
    public async Task LoadDue_ReturnsTheOwnedShardsJobsInsideTheWindow_SoonestFirst()
    {
        var (mine, other) = (NewShard(), NewShard());
        await Store.OpenShardAsync(mine, 1, TestContext.Current.CancellationToken);
        await Store.OpenShardAsync(other, 1, TestContext.Current.CancellationToken);
        var now = Now();
        var late = (await Store.ScheduleAsync(NewJob(mine, now.AddSeconds(20)), false, TestContext.Current.CancellationToken)).Job;
        var soon = (await Store.ScheduleAsync(NewJob(mine, now.AddSeconds(10)), false, TestContext.Current.CancellationToken)).Job;
        await Store.ScheduleAsync(NewJob(mine, now.AddSeconds(90)), false, TestContext.Current.CancellationToken);
        await Store.ScheduleAsync(NewJob(other, now.AddSeconds(5)), false, TestContext.Current.CancellationToken);
        var cancelled = (await Store.ScheduleAsync(NewJob(mine, now.AddSeconds(1)), false, TestContext.Current.CancellationToken)).Job;
        await Store.CancelAsync(cancelled.Id, TestContext.Current.CancellationToken);

        var due = await Store.LoadDueAsync([mine], now.AddSeconds(60), now, 100, TestContext.Current.CancellationToken);

        Assert.Equal([new DueJob(soon.Id, mine, soon.Due, soon.Updated.ToUnixTimeMilliseconds()), new DueJob(late.Id, mine, late.Due, late.Updated.ToUnixTimeMilliseconds())], due);
        Assert.Single(await Store.LoadDueAsync([mine], now.AddSeconds(60), now, 1, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task LoadDue_WithMoreDueThanTheLimit_GivesAFullPageOfTheSoonest_AcrossShards()
    {
        var shards = new[] { NewShard(), NewShard(), NewShard() };
        foreach (var shard in shards)
        {
            await Store.OpenShardAsync(shard, 1, TestContext.Current.CancellationToken);
        }

        // 600 jobs over 60 due times (ties within and across shards), unevenly spread over the shards.
        var now = Now();
        var jobs = new List<Job>();
        for (var i = 0; i < 600; i++)
        {
            var shard = shards[i % 7 == 0 ? 0 : i % 2 + 1];
            jobs.Add((await Store.ScheduleAsync(NewJob(shard, now.AddSeconds(1 + (i * 37 % 60))), false, TestContext.Current.CancellationToken)).Job);
        }

        var page = await Store.LoadDueAsync(shards, now.AddMinutes(5), now, 250, TestContext.Current.CancellationToken);

        Assert.Equal(250, page.Count);
        var last = page.Max(j => j.Due);
        // Every job due before the page's last time is in it; of those tied at it, some may be cut.
        Assert.Equal(jobs.Where(j => j.Due < last).Select(j => j.Id).Order(), page.Where(j => j.Due < last).Select(j => j.Id).Order());
        Assert.All(page, j => Assert.Contains(jobs, job => job.Id == j.Id && job.Due == j.Due));
    }

    [Fact(Timeout = 30_000)]
    public async Task OpenShard_ReturnsTheFenceInForce_WhichNeverGoesBack()
    {
        var shard = NewShard();

        Assert.Equal(4, await Store.OpenShardAsync(shard, 4, TestContext.Current.CancellationToken));
        Assert.Equal(9, await Store.OpenShardAsync(shard, 9, TestContext.Current.CancellationToken));
        Assert.Equal(9, await Store.OpenShardAsync(shard, 2, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task Waiting_GivesTheJobsStillWaiting_WithTheirCurrentDueTimes()
    {
        var shard = NewShard();
        await Store.OpenShardAsync(shard, 1, TestContext.Current.CancellationToken);
        var key = "k-" + Guid.NewGuid();
        var moved = (await Store.ScheduleAsync(NewJob(shard, Now().AddSeconds(1), key: key), false, TestContext.Current.CancellationToken)).Job;
        var later = (await Store.ScheduleAsync(NewJob(shard, Now().AddMinutes(3), key: key), false, TestContext.Current.CancellationToken)).Job;
        var running = (await Store.ScheduleAsync(NewJob(shard, Now().AddSeconds(-1)), false, TestContext.Current.CancellationToken)).Job;
        await Store.ClaimAsync([new JobClaim(running.Id, shard, 1)], Now(), TestContext.Current.CancellationToken);
        var cancelled = (await Store.ScheduleAsync(NewJob(shard, Now()), false, TestContext.Current.CancellationToken)).Job;
        await Store.CancelAsync(cancelled.Id, TestContext.Current.CancellationToken);

        var waiting = await Store.WaitingAsync([moved.Id, running.Id, cancelled.Id, JobIds.New(TimeProvider.System)], TestContext.Current.CancellationToken);

        var job = Assert.Single(waiting);
        Assert.Equal(moved.Id, job.Id);
        Assert.Equal(later.Due, job.Due);
        Assert.Equal(later.Updated.ToUnixTimeMilliseconds(), job.Version);
    }

    [Fact(Timeout = 30_000)]
    public async Task Leave_TakesTheNodeOutOfTheLiveCount_AtOnce()
    {
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var both = await Store.HeartbeatAsync(prefix + "-a", TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        both = await Store.HeartbeatAsync(prefix + "-b", TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        await Store.LeaveAsync(prefix + "-b", TestContext.Current.CancellationToken);

        Assert.Equal(both - 1, await Store.HeartbeatAsync(prefix + "-a", TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));
        await Store.LeaveAsync(prefix + "-a", TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task Heartbeat_CountsEveryLiveNode_AndForgetsOnesThatStopped()
    {
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var before = await Store.HeartbeatAsync(prefix + "-a", TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        var both = await Store.HeartbeatAsync(prefix + "-b", TimeSpan.FromMilliseconds(1), TestContext.Current.CancellationToken);
        Assert.True(await Testing.Until.TrueAsync(
            async () => await Store.HeartbeatAsync(prefix + "-a", TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken) == both - 1,
            TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(before + 1, both);
    }

    [Fact(Timeout = 30_000)]
    public async Task List_ByState_ReturnsOnlyThatState()
    {
        var job = (await Store.ScheduleAsync(NewJob(NewShard(), Now().AddYears(50)), false, TestContext.Current.CancellationToken)).Job;
        await Store.ScheduleAsync(NewJob(NewShard(), Now().AddYears(50)), false, TestContext.Current.CancellationToken);
        await Store.CancelAsync(job.Id, TestContext.Current.CancellationToken);

        var cancelled = await Store.ListAsync(JobState.Cancelled, 1000, TestContext.Current.CancellationToken);
        var all = await Store.ListAsync(null, 1000, TestContext.Current.CancellationToken);

        Assert.All(cancelled, j => Assert.Equal(JobState.Cancelled, j.State));
        Assert.Contains(cancelled, j => j.Id == job.Id);
        Assert.Contains(all, j => j.State != JobState.Cancelled);
    }

    protected static JobCompletion Completion(Job claimed, long fence, CompletionOutcome outcome, DateTimeOffset? next = null, string? error = null) => new()
    {
        Id = claimed.Id,
        Shard = claimed.Shard,
        Fence = fence,
        Attempt = claimed.Attempt,
        Outcome = outcome,
        NextDue = next,
        Error = error,
        Now = Now(),
    };
}
