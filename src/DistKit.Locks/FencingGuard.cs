using System.Collections.Concurrent;

namespace DistKit.Locks;

/// <summary>
/// The resource's side of fencing: remembers the largest fencing token seen per resource and
/// refuses any write that carries a smaller one. A holder that paused (GC, swap, a stalled VM)
/// past its lock's expiry wakes with an old token, and its write is refused instead of silently
/// overwriting the new holder's work.
/// </summary>
/// <remarks>
/// Keep the guard where the writes land (the store's process, or in the store itself as a
/// <c>WHERE fence &lt;= @token</c> condition); a guard in the lock holder protects nothing.
/// </remarks>
public sealed class FencingGuard
{
    private readonly ConcurrentDictionary<string, long> _highest = new(StringComparer.Ordinal);

    /// <summary>
    /// Accepts a write to <paramref name="resource"/> fenced by <paramref name="fencingToken"/> if no
    /// larger token has been seen; a repeated token (the same holder writing again) is accepted.
    /// </summary>
    /// <returns>False when a newer holder has already written: drop the write.</returns>
    public bool TryAccept(string resource, long fencingToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        while (true)
        {
            var seen = _highest.GetOrAdd(resource, fencingToken);
            if (fencingToken < seen)
            {
                return false;
            }

            if (fencingToken == seen || _highest.TryUpdate(resource, fencingToken, seen))
            {
                return true;
            }
        }
    }

    /// <summary>The largest token accepted for <paramref name="resource"/>, or null.</summary>
    public long? Highest(string resource) => _highest.TryGetValue(resource, out var token) ? token : null;
}
