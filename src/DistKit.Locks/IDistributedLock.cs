namespace DistKit.Locks;

/// <summary>
/// A lock by name. At most one <see cref="LockHandle"/> for a name is live at a time across every
/// process using the same backend, and each holder's <see cref="LockHandle.FencingToken"/> is
/// greater than every earlier holder's.
/// </summary>
public interface IDistributedLock
{
    /// <summary>The lock's name.</summary>
    string Name { get; }

    /// <summary>
    /// Takes the lock if it can within <paramref name="wait"/> (default: zero, fail fast — the
    /// try-lock); null if it is held elsewhere for that long.
    /// </summary>
    ValueTask<LockHandle?> TryAcquireAsync(TimeSpan wait = default, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for the lock, first come first served where the backend allows, for at most
    /// <paramref name="wait"/> (default: forever).
    /// </summary>
    /// <exception cref="TimeoutException">Not acquired within <paramref name="wait"/>.</exception>
    ValueTask<LockHandle> AcquireAsync(TimeSpan? wait = null, CancellationToken cancellationToken = default);
}
