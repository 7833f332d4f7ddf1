using DistKit.Balancing;
using DistKit.Balancing.Discovery;
using System.Security.Cryptography;
using DistKit.Core.Leases;
using DistKit.Etcd.Internal;
using DistKit.Etcd.Leases;
using Etcdserverpb;

namespace DistKit.Etcd.Balancing;

/// <summary>
/// One instance's registration: a lease from the lease primitive and the endpoint's key on the same
/// etcd lease. When the lease is lost (etcd away for longer than the TTL), it registers again as soon
/// as etcd answers, until disposed.
/// </summary>
internal sealed class EtcdServiceRegistration(EtcdServiceRegistry registry, string service, ServiceEndpoint endpoint, LeaseOptions options) : ServiceRegistration
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stop = new();
    private Core.Leases.Lease? _lease;
    private Task _keeping = Task.CompletedTask;
    private int _disposed;

    public override string Service => service;

    public override ServiceEndpoint Endpoint => endpoint;

    public override bool IsRegistered => Volatile.Read(ref _lease) is { Lost.IsCancellationRequested: false };

    /// <summary>
    /// Registers under a new random instance id each time: after a lost lease the old one may still
    /// live in etcd (a restarted etcd renews every lease to its full TTL), and a new id never waits
    /// for it; watchers show one entry per address, the newest.
    /// </summary>
    public async Task RegisterOnceAsync(CancellationToken cancellationToken)
    {
        var instance = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var lease = await registry.Leases.TryAcquireAsync($"registrations/{service}/{instance}", options, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"instance id {instance} of service {service} is taken"); // 64 random bits: not in practice
        try
        {
            var id = ((EtcdLease)lease).LeaseId;
            await registry.Leases.Client.PutAsync(new PutRequest { Key = registry.KeyOf(service, instance), Value = EtcdServiceRegistry.ValueOf(endpoint), Lease = id }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            if (EtcdErrors.IsOutage(e, cancellationToken))
            {
                throw EtcdErrors.Unavailable(e);
            }

            throw;
        }

        Volatile.Write(ref _lease, lease);
    }

    public void KeepRegistered() => _keeping = KeepAsync(_stop.Token);

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _keeping.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The loop ends only by our stop; anything else it met is behind us now.
        }

        if (Interlocked.Exchange(ref _lease, null) is { } lease)
        {
            await lease.DisposeAsync().ConfigureAwait(false); // revokes the etcd lease: both keys go at once
        }

        _stop.Dispose();
    }

    private async Task KeepAsync(CancellationToken stop)
    {
        // The pause before registering again grows while registrations keep failing or keep being
        // lost young (a struggling etcd), and starts small again after one that lived its TTL.
        var pause = FirstRetry;
        var registeredAt = options.TimeProvider.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            var lease = Volatile.Read(ref _lease)!;
            using (var stopOrLost = CancellationTokenSource.CreateLinkedTokenSource(stop, lease.Lost))
            {
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, options.TimeProvider, stopOrLost.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    // Lost: register again below.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            await lease.DisposeAsync().ConfigureAwait(false);
            pause = options.TimeProvider.GetElapsedTime(registeredAt) >= options.Ttl ? FirstRetry : Longer(pause);
            while (true)
            {
                try
                {
                    await Task.Delay(pause, options.TimeProvider, stop).ConfigureAwait(false);
                    await RegisterOnceAsync(stop).ConfigureAwait(false);
                    registeredAt = options.TimeProvider.GetTimestamp();
                    break;
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // etcd away, or refusing for a moment (a lease gone between grant and put): again, later.
                    pause = Longer(pause);
                }
            }
        }
    }

    private static TimeSpan Longer(TimeSpan pause) => pause * 2 > LongestRetry ? LongestRetry : pause * 2;
}
