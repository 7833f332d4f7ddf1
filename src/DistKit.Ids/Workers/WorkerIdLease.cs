using DistKit.Core.Leases;

namespace DistKit.Ids.Workers;

/// <summary>
/// A worker id held by this process. Dispose to give it back; disposing twice is harmless.
/// </summary>
public sealed class WorkerIdLease : IAsyncDisposable
{
    private readonly Func<ValueTask>? _release;
    private readonly Func<LeaseLossReason>? _lossReason;
    private int _released;

    /// <summary>
    /// Creates a lease; <paramref name="release"/> gives the id back, <paramref name="lost"/> fires
    /// if it is taken away, <paramref name="validUntil"/> tells until when it is guaranteed.
    /// </summary>
    public WorkerIdLease(long workerId, Func<ValueTask>? release, Func<DateTimeOffset>? validUntil = null, CancellationToken lost = default)
        : this(workerId, release, validUntil, null, lost)
    {
    }

    /// <summary>Creates a lease as the other constructor does, with <paramref name="lossReason"/> telling why <paramref name="lost"/> fired.</summary>
    public WorkerIdLease(long workerId, Func<ValueTask>? release, Func<DateTimeOffset>? validUntil, Func<LeaseLossReason>? lossReason, CancellationToken lost)
    {
        _lossReason = lossReason;
        ArgumentOutOfRangeException.ThrowIfNegative(workerId);
        WorkerId = workerId;
        Lost = lost;
        ValidUntil = validUntil;
        _release = release;
    }

    /// <summary>Until when (wall clock) the id is guaranteed, as of now; null for ids that do not expire.</summary>
    public Func<DateTimeOffset>? ValidUntil { get; }

    /// <summary>The worker id.</summary>
    public long WorkerId { get; }

    /// <summary>Fires when the id can no longer be guaranteed to be this process's own; never fires for static ids.</summary>
    public CancellationToken Lost { get; }

    /// <summary>Why <see cref="Lost"/> fired; <see cref="LeaseLossReason.None"/> while held or when the source cannot tell.</summary>
    public LeaseLossReason LossReason => _lossReason?.Invoke() ?? LeaseLossReason.None;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0 && _release is not null)
        {
            await _release();
        }
    }
}
