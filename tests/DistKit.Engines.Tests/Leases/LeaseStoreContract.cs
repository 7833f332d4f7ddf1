using System.Diagnostics;
using DistKit.Core.Leases;
using DistKit.Ids;
using DistKit.Ids.Workers;
using DistKit.Testing;

namespace DistKit.Engines.Tests.Leases;

/// <summary>
/// What every engine's lease must do. One small class per engine supplies a store; a new engine
/// gets the whole suite, and behaviour cannot drift between engines.
/// </summary>
public abstract class LeaseStoreContract
{
    protected static readonly LeaseOptions Brief = new() { Ttl = TimeSpan.FromSeconds(1), ClockDrift = TimeSpan.FromMilliseconds(500) };

    /// <summary>A store on its own connection; disposing the connection is how a test makes its holder "crash".</summary>
    protected abstract Task<(ILeaseStore Store, IAsyncDisposable Connection)> ConnectAsync();

    /// <summary>Takes the lease away behind the holder's back, as an operator or a failover would.</summary>
    protected abstract Task TakeAwayAsync(ILeaseStore store, Lease lease);

    private static string NewName() => "contract-" + Guid.NewGuid().ToString("N")[..12];

    [Fact(Timeout = 30_000)]
    public async Task TryAcquire_FreeName_Grants_HeldName_GivesNull()
    {
        var (store, connection) = await ConnectAsync();
        await using var _ = connection;
        var name = NewName();

        await using var first = await store.TryAcquireAsync(name, Brief, TestContext.Current.CancellationToken);
        var second = await store.TryAcquireAsync(name, Brief, TestContext.Current.CancellationToken);

        Assert.NotNull(first);
        Assert.True(first.FencingToken > 0);
        Assert.Null(second);
        Assert.False(first.Lost.IsCancellationRequested);
    }

    [Fact(Timeout = 30_000)]
    public async Task Release_LetsTheNextHolderIn_WithALargerFencingToken()
    {
        var (store, connection) = await ConnectAsync();
        await using var _ = connection;
        var name = NewName();
        var tokens = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            var lease = await store.TryAcquireAsync(name, Brief, TestContext.Current.CancellationToken);
            Assert.NotNull(lease);
            tokens.Add(lease.FencingToken);
            await lease.DisposeAsync();
            Assert.True(lease.Lost.IsCancellationRequested);
            await lease.DisposeAsync();
        }

        Assert.True(tokens.Zip(tokens.Skip(1)).All(p => p.Second > p.First), string.Join(",", tokens));
    }

    [Fact(Timeout = 30_000)]
    public async Task Renewal_KeepsTheLeasePastItsTtl()
    {
        var (store, connection) = await ConnectAsync();
        await using var _ = connection;
        var name = NewName();
        // A TTL with room for renewals that run late on a loaded machine (each must land within
        // the TTL); what is tested is that the lease outlives several TTLs, which takes time.
        var steady = new LeaseOptions { Ttl = TimeSpan.FromSeconds(3), ClockDrift = TimeSpan.FromMilliseconds(500) };
        await using var lease = await store.TryAcquireAsync(name, steady, TestContext.Current.CancellationToken);
        Assert.NotNull(lease);

        // Renewals seen from the holder's side: each one lifts the validity it counts on. Six of
        // them (every Ttl/3) carry the lease past two of its TTLs.
        var renewals = 0;
        var last = lease.Remaining;
        Assert.True(
            await Until.TrueAsync(
                () =>
                {
                    var now = lease.Remaining;
                    renewals += now > last ? 1 : 0;
                    last = now;
                    return renewals >= 6 || lease.Lost.IsCancellationRequested;
                },
                TimeSpan.FromSeconds(60),
                TestContext.Current.CancellationToken),
            $"only {renewals} renewals in a minute");

        Assert.False(lease.Lost.IsCancellationRequested);
        Assert.Null(await store.TryAcquireAsync(name, steady, TestContext.Current.CancellationToken));
        Assert.True(lease.Remaining > TimeSpan.Zero);
    }

    [Fact(Timeout = 30_000)]
    public async Task CrashedHolder_LosesItAtTtl_AndTheNameIsFreeOnlyAfterTtlPlusDrift()
    {
        var (holderStore, holderConnection) = await ConnectAsync();
        var (otherStore, otherConnection) = await ConnectAsync();
        await using var _ = otherConnection;
        var name = NewName();

        // Started before the request, so however late this thread runs, the clock never reads
        // less than the time since the engine set the lease: the safety bound below stays strict.
        var clock = Stopwatch.StartNew();
        var lease = await holderStore.TryAcquireAsync(name, Brief, TestContext.Current.CancellationToken);
        Assert.NotNull(lease);
        var lost = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onLost = lease.Lost.Register(() => lost.TrySetResult(clock.Elapsed));

        // The holder's connection dies: renewals fail from here on.
        await holderConnection.DisposeAsync();
        Lease? next = null;
        while (next is null && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            next = await otherStore.TryAcquireAsync(name, Brief, TestContext.Current.CancellationToken);
            if (next is null)
            {
                await Task.Delay(25, TestContext.Current.CancellationToken);
            }
        }

        var freeAt = clock.Elapsed;
        var holderValidityLeft = lease.Remaining;
        Assert.NotNull(next);
        await using (next)
        {
            Assert.True(freeAt >= Brief.EngineTtl - TimeSpan.FromMilliseconds(100), $"taken over after {freeAt.TotalMilliseconds} ms, before TTL + drift");

            // Safety, read from the clock rather than from a timer that may fire late on a loaded
            // machine: by the time anyone else has the name, the old holder counts on none of it.
            Assert.True(holderValidityLeft == TimeSpan.Zero, $"the old holder still counted on {holderValidityLeft.TotalMilliseconds:F0} ms when the name was taken over");
            Assert.True(next.FencingToken > lease.FencingToken);

            // Liveness, generous: the loss is reported by a timer.
            var lostAt = await lost.Task.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
            Assert.True(lostAt <= Brief.Ttl + TimeSpan.FromSeconds(5), $"the loss was reported only after {lostAt.TotalMilliseconds:F0} ms");
        }

        await lease.DisposeAsync();
    }

    [Fact(Timeout = 30_000)]
    public async Task TakenAway_FiresLost()
    {
        var (store, connection) = await ConnectAsync();
        await using var _ = connection;
        await using var lease = await store.TryAcquireAsync(NewName(), Brief, TestContext.Current.CancellationToken);
        Assert.NotNull(lease);
        var lost = new TaskCompletionSource();
        using var onLost = lease.Lost.Register(() => lost.TrySetResult());

        await TakeAwayAsync(store, lease);

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 30_000)]
    public async Task LeasedWorkerIds_AreDistinct_AndRunOut()
    {
        var (store, connection) = await ConnectAsync();
        await using var _ = connection;
        var source = new LeasedWorkerIdSource(store, NewName(), Brief);

        await using var a = await source.AcquireAsync(maxId: 1, TestContext.Current.CancellationToken);
        await using var b = await source.AcquireAsync(maxId: 1, TestContext.Current.CancellationToken);

        Assert.NotEqual(a.WorkerId, b.WorkerId);
        await Assert.ThrowsAsync<WorkerIdUnavailableException>(async () => await source.AcquireAsync(maxId: 1, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task GeneratorOnALostLease_StopsIssuing()
    {
        var (store, connection) = await ConnectAsync();
        await using var _ = connection;
        var scope = NewName();
        var source = new LeasedWorkerIdSource(store, scope, Brief);
        await using var worker = await source.AcquireAsync(IdLayout.Snowflake.MaxNode, TestContext.Current.CancellationToken);
        var generator = new SnowflakeIdGenerator(IdGeneratorOptions.Default with { Node = worker.WorkerId }, worker.Lost);
        Assert.True(generator.NextId() > 0);

        // Take the worker's lease away through a second holder's view of the same name.
        var lost = new TaskCompletionSource();
        using var onLost = worker.Lost.Register(() => lost.TrySetResult());
        await TakeAwayByNameAsync(store, source.LeaseName(worker.WorkerId));
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

        Assert.Throws<WorkerIdLostException>(() => generator.NextId());
    }

    [Fact(Timeout = 120_000)]
    public async Task CancelledMidAcquire_LeavesTheNameFree()
    {
        var (store, connection) = await ConnectAsync();
        var (other, otherConnection) = await ConnectAsync();
        await using var _ = connection;
        await using var __ = otherConnection;
        var name = NewName();

        // A TTL far above the bound below: a name left held by a cancelled call cannot come free in time by expiring.
        var longLived = new LeaseOptions { Ttl = TimeSpan.FromSeconds(60) };
        await CancellationPoints.AssertEachLeavesTheNameFreeAsync(
            async cancellationToken => await store.TryAcquireAsync(name, longLived, cancellationToken),
            async () =>
            {
                var probe = await other.TryAcquireAsync(name, longLived, TestContext.Current.CancellationToken);
                if (probe is null)
                {
                    return false;
                }

                await probe.DisposeAsync();
                return true;
            },
            freeWithin: TimeSpan.FromSeconds(5));
    }

    /// <summary>Takes away whatever lease holds <paramref name="name"/>.</summary>
    protected abstract Task TakeAwayByNameAsync(ILeaseStore store, string name);
}
