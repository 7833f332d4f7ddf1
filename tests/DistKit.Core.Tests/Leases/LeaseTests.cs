using DistKit.Core.Leases;
using Microsoft.Extensions.Time.Testing;

namespace DistKit.Core.Tests.Leases;

/// <summary>
/// The lease's renewal and loss rules in virtual time: every instant is exact, so the bounds are
/// exact too, which the engine suites (on real clocks and real servers) cannot afford.
/// </summary>
public sealed class LeaseTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private LeaseOptions Options => new() { Ttl = Ttl, TimeProvider = _time };

    // In steps, as a clock moves: FakeTimeProvider fires what is due within one Advance, but a
    // timer a callback re-arms counts from the end of that Advance.
    private void Pass(TimeSpan span)
    {
        var step = TimeSpan.FromMilliseconds(100);
        for (; span > step; span -= step)
        {
            _time.Advance(step);
        }

        _time.Advance(span);
    }

    [Fact]
    public void Renewals_EveryPeriod_KeepTheLeaseFarPastItsTtl()
    {
        var lease = ScriptedLease.Start(Options, _time);
        for (var i = 0; i < 12; i++)
        {
            Pass(Period);
        }

        Assert.Equal(12, lease.Renewals);
        Assert.False(lease.Lost.IsCancellationRequested);
        Assert.Equal(Ttl, lease.Remaining);
    }

    [Fact]
    public void RenewalRefused_FiresLostAtThatRenewal()
    {
        var lease = ScriptedLease.Start(Options, _time);
        lease.Answer = () => ValueTask.FromResult(false);

        Pass(Period - TimeSpan.FromTicks(1));
        Assert.False(lease.Lost.IsCancellationRequested);
        Pass(TimeSpan.FromTicks(1));

        Assert.True(lease.Lost.IsCancellationRequested);
        Assert.Equal(TimeSpan.Zero, lease.Remaining);
    }

    [Fact]
    public void RenewalsFailing_AreRetriedEveryPeriod_AndLostFiresExactlyAtTheTtl()
    {
        var lease = ScriptedLease.Start(Options, _time);
        lease.Answer = () => throw new IOException("engine down");

        Pass(Ttl - TimeSpan.FromTicks(1));
        Assert.False(lease.Lost.IsCancellationRequested, "lost before its validity ran out");
        Assert.Equal(2, lease.Renewals);
        Pass(TimeSpan.FromTicks(1));

        Assert.True(lease.Lost.IsCancellationRequested, "not lost when its validity ran out");
        var atLoss = lease.Renewals;
        Pass(Period * 3);
        Assert.Equal(atLoss, lease.Renewals);
    }

    [Fact]
    public void ARenewalThatSucceedsAfterAFailure_CountsTheFullTtlFromItsOwnStart()
    {
        var lease = ScriptedLease.Start(Options, _time);
        lease.Answer = () => throw new IOException("engine down");
        Pass(Period);
        lease.Answer = () => ValueTask.FromResult(true);
        Pass(Period);
        Assert.Equal(Ttl, lease.Remaining);

        // From here every renewal fails: the lease lasts exactly Ttl from the last success.
        lease.Answer = () => throw new IOException("engine down again");
        Pass(Ttl - TimeSpan.FromTicks(1));
        Assert.False(lease.Lost.IsCancellationRequested);
        Pass(TimeSpan.FromTicks(1));
        Assert.True(lease.Lost.IsCancellationRequested);
    }

    [Fact]
    public void ARenewalInFlightAtTheTtl_CannotExtendALeaseAlreadyLost()
    {
        var lease = ScriptedLease.Start(Options, _time);
        var slow = new TaskCompletionSource<bool>();
        lease.Answer = () => new ValueTask<bool>(slow.Task);

        Pass(Ttl);
        Assert.True(lease.Lost.IsCancellationRequested);
        slow.SetResult(true);
        Pass(Period * 3);

        // The late answer neither revives the lease nor restarts its renewals.
        Assert.Equal(TimeSpan.Zero, lease.Remaining);
        Assert.Equal(1, lease.Renewals);
    }

    [Fact]
    public async Task Dispose_ReleasesOnce_FiresLost_AndStopsRenewing()
    {
        var lease = ScriptedLease.Start(Options, _time);

        await lease.DisposeAsync();
        await lease.DisposeAsync();
        Pass(Period * 3);

        Assert.Equal(1, lease.Releases);
        Assert.Equal(0, lease.Renewals);
        Assert.True(lease.Lost.IsCancellationRequested);
    }

    [Fact]
    public async Task Abandon_StopsRenewing_WithoutReleasing()
    {
        var lease = ScriptedLease.Start(Options, _time);

        await lease.AbandonAsync();
        Pass(Period * 3);

        Assert.Equal(0, lease.Releases);
        Assert.Equal(0, lease.Renewals);
        Assert.True(lease.Lost.IsCancellationRequested);
    }

    /// <summary>A lease whose engine is the test: each renewal gives what <see cref="Answer"/> says.</summary>
    private sealed class ScriptedLease : Lease
    {
        private int _renewals;
        private int _releases;

        private ScriptedLease(LeaseOptions options, long started)
            : base("name", "owner", 1, options, started)
        {
        }

        public Func<ValueTask<bool>> Answer { get; set; } = () => ValueTask.FromResult(true);

        public int Renewals => Volatile.Read(ref _renewals);

        public int Releases => Volatile.Read(ref _releases);

        public static ScriptedLease Start(LeaseOptions options, TimeProvider time)
        {
            var lease = new ScriptedLease(options, time.GetTimestamp());
            lease.Start();
            return lease;
        }

        protected override string Engine => "scripted";

        protected override ValueTask<bool> RenewCoreAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _renewals);
            return Answer();
        }

        protected override ValueTask ReleaseCoreAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _releases);
            return ValueTask.CompletedTask;
        }
    }
}
