using DistKit.Core.Leases;

namespace DistKit.Locks;

/// <summary>
/// A held lock. Dispose to release; disposing twice is harmless. Check <see cref="Lost"/> while
/// working: it fires as soon as the lock can no longer be guaranteed (a renewal failed, a session
/// closed), early enough to stop before another holder can get in. Pass
/// <see cref="FencingToken"/> to the resource you protect so it can refuse a late, stale holder.
/// </summary>
public sealed class LockHandle : IAsyncDisposable
{
    private readonly Func<ValueTask> _release;
    private readonly Func<LeaseLossReason>? _lossReason;
    private int _released;

    /// <summary>Creates a handle; backends call this.</summary>
    public LockHandle(string name, long fencingToken, Func<ValueTask> release, CancellationToken lost = default)
        : this(name, fencingToken, release, null, lost)
    {
    }

    /// <summary>Creates a handle whose <paramref name="lossReason"/> tells why <paramref name="lost"/> fired; backends call this.</summary>
    public LockHandle(string name, long fencingToken, Func<ValueTask> release, Func<LeaseLossReason>? lossReason, CancellationToken lost)
    {
        ArgumentNullException.ThrowIfNull(release);
        Name = name;
        FencingToken = fencingToken;
        _release = release;
        _lossReason = lossReason;
        Lost = lost;
    }

    /// <summary>The lock's name.</summary>
    public string Name { get; }

    /// <summary>Strictly greater than every earlier holder's token for this name.</summary>
    public long FencingToken { get; }

    /// <summary>Fires once the lock can no longer be guaranteed; never fires for the in-process backend.</summary>
    public CancellationToken Lost { get; }

    /// <summary>Why <see cref="Lost"/> fired (<see cref="LeaseLossReason.Released"/> after a release); <see cref="LeaseLossReason.None"/> while held.</summary>
    public LeaseLossReason LossReason => _lossReason?.Invoke() ?? (IsReleased ? LeaseLossReason.Released : LeaseLossReason.None);

    /// <summary>Whether <see cref="DisposeAsync"/> has run.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _released, 1) == 0 ? _release() : ValueTask.CompletedTask;
}
