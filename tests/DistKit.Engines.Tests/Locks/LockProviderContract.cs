using DistKit.Testing;
using DistKit.Locks;

namespace DistKit.Engines.Tests.Locks;

/// <summary>What every lock backend must do; one small class per backend.</summary>
public abstract class LockProviderContract
{
    /// <summary>A provider on its own connection, as a separate process would have.</summary>
    protected abstract Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync();

    protected static string NewName() => "lock-" + Guid.NewGuid().ToString("N")[..10];

    [Fact(Timeout = 60_000)]
    public async Task TryLock_HeldElsewhere_GivesNull_AndTheNextHolderGetsALargerToken()
    {
        var (a, ca) = await ConnectAsync();
        var (b, cb) = await ConnectAsync();
        await using var _ = ca;
        await using var __ = cb;
        var name = NewName();

        var first = await a.CreateLock(name).TryAcquireAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotNull(first);
        Assert.Null(await b.CreateLock(name).TryAcquireAsync(cancellationToken: TestContext.Current.CancellationToken));
        await first.DisposeAsync();

        await using var second = await b.CreateLock(name).TryAcquireAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.NotNull(second);
        Assert.True(second.FencingToken > first.FencingToken);

        // Held, then given back: telemetry must not count a release as a loss.
        Assert.Equal(Core.Leases.LeaseLossReason.None, second.LossReason);
        Assert.Equal(Core.Leases.LeaseLossReason.Released, first.LossReason);
    }

    [Fact(Timeout = 120_000)]
    public async Task EightContenders_NeverOverlap_AndTokensStrictlyIncrease()
    {
        var name = NewName();
        var inside = 0;
        var violations = 0;
        var tokens = new List<long>();
        var connections = new List<IAsyncDisposable>();
        var providers = new List<IDistributedLockProvider>();
        for (var i = 0; i < 8; i++)
        {
            var (locks, connection) = await ConnectAsync();
            providers.Add(locks);
            connections.Add(connection);
        }

        await Task.WhenAll(providers.Select(locks => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await using var handle = await locks.CreateLock(name).AcquireAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref violations);
                }

                lock (tokens)
                {
                    tokens.Add(handle.FencingToken);
                }

                await Task.Delay(1, TestContext.Current.CancellationToken);
                Interlocked.Decrement(ref inside);
            }
        }, TestContext.Current.CancellationToken)));

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        Assert.Equal(0, violations);
        Assert.Equal(200, tokens.Count);
        Assert.True(tokens.Zip(tokens.Skip(1)).All(p => p.Second > p.First));
    }

    [Fact(Timeout = 60_000)]
    public async Task Acquire_NotFreeInTime_ThrowsTimeoutException()
    {
        var (locks, connection) = await ConnectAsync();
        await using var _ = connection;
        var name = NewName();
        await using var held = await locks.CreateLock(name).AcquireAsync(cancellationToken: TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<TimeoutException>(async () => await locks.CreateLock(name).AcquireAsync(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken));
        await AssertNoWaitersLeftAsync(name);
    }

    [Fact(Timeout = 60_000)]
    public async Task CancelledWhileQueued_LeavesNoWaiterBehind()
    {
        var (locks, connection) = await ConnectAsync();
        await using var _ = connection;
        var name = NewName();
        await using var held = await locks.CreateLock(name).AcquireAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await locks.CreateLock(name).AcquireAsync(cancellationToken: cancel.Token));
        await AssertNoWaitersLeftAsync(name);
    }

    /// <summary>
    /// A provider whose locks, if left behind, would outlast the test by far (a TTL of a minute);
    /// backends without a TTL use <see cref="ConnectAsync"/>.
    /// </summary>
    protected virtual Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectLongLivedAsync() => ConnectAsync();

    [Fact(Timeout = 120_000)]
    public async Task CancelledMidAcquire_LeavesTheNameFree()
    {
        var (locks, connection) = await ConnectLongLivedAsync();
        var (other, otherConnection) = await ConnectLongLivedAsync();
        await using var _ = connection;
        await using var __ = otherConnection;
        var name = NewName();

        // Try-locks and waiting acquires take different paths on most backends: cancel both.
        foreach (var wait in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(10) })
        {
            await CancellationPoints.AssertEachLeavesTheNameFreeAsync(
                async cancellationToken => await locks.CreateLock(name).TryAcquireAsync(wait, cancellationToken),
                async () =>
                {
                    var probe = await other.CreateLock(name).TryAcquireAsync(cancellationToken: TestContext.Current.CancellationToken);
                    if (probe is null)
                    {
                        return false;
                    }

                    await probe.DisposeAsync();
                    return true;
                },
                freeWithin: TimeSpan.FromSeconds(5));
        }

        await AssertNoWaitersLeftAsync(name);
    }

    /// <summary>Checks the backend kept no record of waiters for <paramref name="name"/>.</summary>
    protected abstract Task AssertNoWaitersLeftAsync(string name);
}

/// <summary>What a backend that queues its waiters must also do: serve them first come, first served.</summary>
public abstract class FairLockProviderContract : LockProviderContract
{
    /// <summary>How many contenders wait in the backend's queue for <paramref name="name"/> (the holder not counted).</summary>
    protected abstract Task<int> QueuedAsync(string name);

    [Fact(Timeout = 60_000)]
    public async Task Waiters_GetTheLockInArrivalOrder()
    {
        var name = NewName();
        var (holderLocks, holderConnection) = await ConnectAsync();
        await using var _ = holderConnection;
        var holder = await holderLocks.CreateLock(name).AcquireAsync(cancellationToken: TestContext.Current.CancellationToken);
        var order = new List<int>();
        var waiters = new List<Task>();
        var connections = new List<IAsyncDisposable>();
        for (var i = 0; i < 5; i++)
        {
            var me = i;
            var (locks, connection) = await ConnectAsync();
            connections.Add(connection);
            waiters.Add(Task.Run(async () =>
            {
                await using var handle = await locks.CreateLock(name).AcquireAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
                lock (order)
                {
                    order.Add(me);
                }

                await Task.Delay(20, TestContext.Current.CancellationToken);
            }, TestContext.Current.CancellationToken));

            // The next waiter arrives only once this one is in the server's queue.
            Assert.True(
                await Until.TrueAsync(async () => await QueuedAsync(name) >= me + 1, TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken),
                $"waiter {me} never joined the queue");
        }

        await holder.DisposeAsync();
        await Task.WhenAll(waiters);
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        Assert.Equal([0, 1, 2, 3, 4], order);
    }
}
