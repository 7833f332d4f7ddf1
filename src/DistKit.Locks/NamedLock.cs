namespace DistKit.Locks;

/// <summary>
/// The <see cref="IDistributedLock"/> every backend hands out: a name and the backend's one way in.
/// <see cref="AcquireAsync"/> is <see cref="TryAcquireAsync"/> with a wait that turns "not in time"
/// into <see cref="TimeoutException"/>, so the two cannot drift apart between backends.
/// </summary>
public sealed class NamedLock : IDistributedLock
{
    private static readonly TimeSpan MaxFiniteWait = TimeSpan.FromDays(3650);

    private readonly Func<string, TimeSpan, CancellationToken, ValueTask<LockHandle?>> _enter;

    /// <summary>Creates the lock; <paramref name="enter"/> takes the name, the wait (<see cref="Timeout.InfiniteTimeSpan"/> for forever) and the token, and returns a handle or null.</summary>
    public NamedLock(string name, Func<string, TimeSpan, CancellationToken, ValueTask<LockHandle?>> enter)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(enter);
        Name = name;
        _enter = enter;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ValueTask<LockHandle?> TryAcquireAsync(TimeSpan wait = default, CancellationToken cancellationToken = default)
    {
        if (wait < TimeSpan.Zero && wait != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(wait), wait, "wait must be zero or positive.");
        }

        // Waits beyond any deadline a clock can count to (TimeSpan.MaxValue, say) mean forever.
        return _enter(Name, wait > MaxFiniteWait ? Timeout.InfiniteTimeSpan : wait, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<LockHandle> AcquireAsync(TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
        await TryAcquireAsync(wait ?? Timeout.InfiniteTimeSpan, cancellationToken)
        ?? throw new TimeoutException($"lock '{Name}' was not acquired within {Core.Duration.Format(wait ?? TimeSpan.Zero)}");
}
