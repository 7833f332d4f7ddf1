namespace DistKit.Testing;

/// <summary>
/// Waits for an observable condition (a key in a server, a waiter in a queue, a status code), never
/// for time to pass: the timeout only bounds a hang, so a slow machine makes a test slower, not red.
/// </summary>
public static class Until
{
    // Servers cannot tell a test when their state changes, so the condition is asked again after
    // this long; short next to any timeout, long enough not to load the server being watched.
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Asks <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var started = TimeProvider.System.GetTimestamp();
        while (!await condition())
        {
            if (TimeProvider.System.GetElapsedTime(started) > timeout)
            {
                return false;
            }

            await Task.Delay(Poll, TimeProvider.System, cancellationToken);
        }

        return true;
    }

    /// <inheritdoc cref="TrueAsync(Func{Task{bool}}, TimeSpan, CancellationToken)" />
    public static Task<bool> TrueAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, cancellationToken);
}
