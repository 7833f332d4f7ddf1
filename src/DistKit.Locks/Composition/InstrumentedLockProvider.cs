using System.Diagnostics;
using DistKit.Core.Diagnostics;
using DistKit.Core.Leases;
using DistKit.Locks.Diagnostics;

namespace DistKit.Locks.Composition;

/// <summary>
/// The provider <c>AddLocks()</c> hands out: the engine's provider, with every acquire timed and
/// traced, and every loss of a held lock counted and logged with its reason.
/// </summary>
public sealed class InstrumentedLockProvider(IDistributedLockProvider inner, LocksTelemetry telemetry, TimeProvider time) : IDistributedLockProvider
{
    /// <summary>The engine's provider.</summary>
    public IDistributedLockProvider Inner => inner;

    /// <inheritdoc />
    public string Backend => inner.Backend;

    /// <inheritdoc />
    public IDistributedLock CreateLock(string name) => new InstrumentedLock(inner.CreateLock(name), this);

    private async ValueTask<LockHandle?> MeasureAsync(string name, TimeSpan? wait, Func<ValueTask<LockHandle?>> acquire)
    {
        using var activity = LocksTelemetry.Source.StartActivity("lock acquire", ActivityKind.Client);
        activity?.SetTag("distkit.lock.name", name);
        activity?.SetTag("distkit.lock.backend", inner.Backend);
        var started = time.GetTimestamp();
        var outcome = "error";
        try
        {
            var handle = await acquire();
            outcome = handle is null ? "refused" : "acquired";
            return handle is null ? null : Watch(handle);
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
            throw;
        }
        catch (TimeoutException)
        {
            // AcquireAsync's wait ran out: the lock was held throughout, not an error.
            outcome = "timeout";
            throw;
        }
        catch (Exception e)
        {
            Quietly(() => LocksLog.AcquireFailed(telemetry.Logger, name, inner.Backend, e.Message));
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            activity?.SetTag("distkit.lock.outcome", outcome);
            var waited = wait is { } w && (w > TimeSpan.Zero || w == Timeout.InfiniteTimeSpan);
            var histogram = waited ? telemetry.WaitDuration : telemetry.AcquireDuration;
            histogram.Record(
                time.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("backend", inner.Backend),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    // The loss is reported from the handle's own Lost, so it is said once, with the engine's reason.
    // The registration needs no disposing: every backend's Lost fires on release too (reason
    // Released, skipped here), which removes it; the in-process lock's Lost never fires.
    private LockHandle Watch(LockHandle handle)
    {
        handle.Lost.UnsafeRegister(static state =>
        {
            var (provider, handle) = ((InstrumentedLockProvider, LockHandle))state!;
            provider.ReportLoss(handle);
        }, (this, handle));
        return handle;
    }

    private void ReportLoss(LockHandle handle)
    {
        var reason = handle.LossReason;
        if (reason is not (LeaseLossReason.None or LeaseLossReason.Released) && !handle.IsReleased)
        {
            var text = DistKitDiagnostics.Describe(reason);
            telemetry.Losses.Add(1, new KeyValuePair<string, object?>("backend", inner.Backend), new KeyValuePair<string, object?>("reason", text));
            Quietly(() => LocksLog.LockLost(telemetry.Logger, handle.Name, inner.Backend, text));
        }
    }

    // A logging provider that throws must not turn a lock's outcome into its failure.
    private static void Quietly(Action log)
    {
        try
        {
            log();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Telemetry is best effort.
        }
    }

    private sealed class InstrumentedLock(IDistributedLock inner, InstrumentedLockProvider provider) : IDistributedLock
    {
        public string Name => inner.Name;

        public ValueTask<LockHandle?> TryAcquireAsync(TimeSpan wait = default, CancellationToken cancellationToken = default) =>
            provider.MeasureAsync(inner.Name, wait, () => inner.TryAcquireAsync(wait, cancellationToken));

        public async ValueTask<LockHandle> AcquireAsync(TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
            (await provider.MeasureAsync(inner.Name, wait ?? Timeout.InfiniteTimeSpan, async () => await inner.AcquireAsync(wait, cancellationToken)))!;
    }
}
