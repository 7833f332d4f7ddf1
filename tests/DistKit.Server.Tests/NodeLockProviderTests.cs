using DistKit.Client;
using DistKit.Client.Locks;
using DistKit.Core.Leases;
using Microsoft.Extensions.Time.Testing;

namespace DistKit.Server.Tests;

/// <summary>DistKit.Client's locks on a real node: the hold a waiter gets is valid, and waits of any length work.</summary>
public sealed class NodeLockProviderTests
{
    [Fact(Timeout = 60_000)]
    public async Task AWaiterGrantedAfterLongerThanARenewalPeriod_HoldsAValidLock()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync();
        using var client = new NodeClient(node.Address);
        var name = "waited-" + Guid.NewGuid().ToString("N")[..8];
        var holder = new NodeLockProvider(client);
        await using var first = await holder.CreateLock(name).TryAcquireAsync(TimeSpan.Zero, cancel);
        Assert.NotNull(first);

        // The waiter's clock runs 20 s (more than its 15 s TTL) while it waits: the node starts the
        // hold's TTL when it grants, so the waiter must count its validity from then, not from
        // before it asked.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var waiter = new NodeLockProvider(client, LeaseOptions.Default with { TimeProvider = time });
        var waiting = waiter.CreateLock(name).TryAcquireAsync(TimeSpan.FromSeconds(30), cancel);
        time.Advance(TimeSpan.FromSeconds(20));
        await first.DisposeAsync();
        await using var second = await waiting;

        Assert.NotNull(second);
        Assert.True(second.FencingToken > first.FencingToken);
        Assert.False(second.Lost.IsCancellationRequested, $"granted already lost ({second.LossReason})");
        Assert.Equal(LeaseLossReason.None, second.LossReason);
    }

    [Fact(Timeout = 60_000)]
    public async Task AcquireWithoutAWait_WaitsForTheHolder_AndAFreeLockIsTakenAtOnce()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync();
        using var client = new NodeClient(node.Address, timeout: TimeSpan.FromSeconds(20));
        var locks = new NodeLockProvider(client);
        var name = "forever-" + Guid.NewGuid().ToString("N")[..8];

        // AcquireAsync() waits forever: asked of the node in slices that fit the request timeout.
        await using var first = await locks.CreateLock(name).AcquireAsync(cancellationToken: cancel);
        var waiting = locks.CreateLock(name).AcquireAsync(cancellationToken: cancel).AsTask();
        Assert.False(waiting.IsCompleted);
        await first.DisposeAsync();
        await using var second = await waiting;

        Assert.True(second.FencingToken > first.FencingToken);
    }

    [Fact(Timeout = 60_000)]
    public async Task AnUnreachableNode_IsATransientEngineOutage()
    {
        using var client = new NodeClient(new Uri("http://127.0.0.1:9"), timeout: TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<Core.EngineUnavailableException>(async () =>
            await new NodeLockProvider(client).CreateLock("x").TryAcquireAsync(TimeSpan.Zero, TestContext.Current.CancellationToken));

        Assert.True(error.IsTransient);
        Assert.Equal("node", error.Engine);
    }
}
