using Microsoft.Extensions.Time.Testing;

namespace DistKit.Locks.Tests;

public sealed class InProcessLockTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryAcquire_HeldElsewhere_GivesNullAtOnce_ThenSucceedsAfterRelease()
    {
        var locks = new InProcessLockProvider();
        var handle = await locks.CreateLock("job").TryAcquireAsync(cancellationToken: Cancel);
        Assert.NotNull(handle);

        Assert.Null(await locks.CreateLock("job").TryAcquireAsync(cancellationToken: Cancel));
        Assert.NotNull(await locks.CreateLock("other").TryAcquireAsync(cancellationToken: Cancel));

        await handle.DisposeAsync();
        await handle.DisposeAsync();
        await using var again = await locks.CreateLock("job").TryAcquireAsync(cancellationToken: Cancel);
        Assert.NotNull(again);
        Assert.True(again.FencingToken > handle.FencingToken);
    }

    [Fact]
    public async Task Acquire_IsFirstComeFirstServed()
    {
        var locks = new InProcessLockProvider();
        var first = await locks.CreateLock("q").AcquireAsync(cancellationToken: Cancel);
        var order = new List<int>();
        var waiters = new List<Task>();
        for (var i = 0; i < 20; i++)
        {
            var me = i;
            waiters.Add(Task.Run(async () =>
            {
                await using var handle = await locks.CreateLock("q").AcquireAsync(cancellationToken: Cancel);
                lock (order)
                {
                    order.Add(me);
                }
            }, Cancel));

            // Let waiter i queue before waiter i + 1.
            while (locks.QueuedFor("q") <= i)
            {
                await Task.Delay(1, Cancel);
            }
        }

        await first.DisposeAsync();
        await Task.WhenAll(waiters);
        Assert.Equal(Enumerable.Range(0, 20), order);
    }

    [Fact]
    public async Task MutualExclusion_HoldsUnderContention_AndTokensIncrease()
    {
        var locks = new InProcessLockProvider();
        var inside = 0;
        var violations = 0;
        var tokens = new List<long>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await using var handle = await locks.CreateLock("counter").AcquireAsync(cancellationToken: Cancel);
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref violations);
                }

                lock (tokens)
                {
                    tokens.Add(handle.FencingToken);
                }

                await Task.Yield();
                Interlocked.Decrement(ref inside);
            }
        }, Cancel)));

        Assert.Equal(0, violations);
        Assert.Equal(1600, tokens.Count);
        Assert.True(tokens.Zip(tokens.Skip(1)).All(p => p.Second > p.First));
        Assert.Equal(0, locks.ActiveNames);
    }

    [Fact]
    public async Task Acquire_TimesOut_WithTimeoutException_AndLeavesNoWaiterBehind()
    {
        var time = new FakeTimeProvider();
        var locks = new InProcessLockProvider(time);
        await using var held = await locks.CreateLock("x").AcquireAsync(cancellationToken: Cancel);

        var waiting = locks.CreateLock("x").AcquireAsync(TimeSpan.FromSeconds(30), Cancel).AsTask();
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(31));

        await Assert.ThrowsAsync<TimeoutException>(() => waiting);
        Assert.Equal(0, locks.QueuedFor("x"));
    }

    [Fact]
    public async Task TryAcquireWithWait_GetsTheLockWhenReleasedInTime()
    {
        var locks = new InProcessLockProvider();
        var held = await locks.CreateLock("y").AcquireAsync(cancellationToken: Cancel);
        var waiting = locks.CreateLock("y").TryAcquireAsync(TimeSpan.FromSeconds(30), Cancel).AsTask();
        await held.DisposeAsync();
        await using var handle = await waiting;
        Assert.NotNull(handle);
    }

    [Fact]
    public async Task CancelledWaiter_IsRemoved_AndTheLockPassesToTheNext()
    {
        var locks = new InProcessLockProvider();
        var held = await locks.CreateLock("z").AcquireAsync(cancellationToken: Cancel);
        using var cancel = new CancellationTokenSource();
        var cancelled = locks.CreateLock("z").AcquireAsync(cancellationToken: cancel.Token).AsTask();
        var next = locks.CreateLock("z").AcquireAsync(cancellationToken: Cancel).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await held.DisposeAsync();

        await using var handle = await next;
        Assert.Equal("z", handle.Name);
    }

    [Fact]
    public void FencingGuard_RefusesOlderTokens_AcceptsEqualAndNewer()
    {
        var guard = new FencingGuard();
        Assert.True(guard.TryAccept("row:7", 5));
        Assert.True(guard.TryAccept("row:7", 5));
        Assert.True(guard.TryAccept("row:7", 9));
        Assert.False(guard.TryAccept("row:7", 6));
        Assert.True(guard.TryAccept("row:8", 1));
        Assert.Equal(9, guard.Highest("row:7"));
    }
}
