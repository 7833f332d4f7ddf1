using System.Collections.Concurrent;
using System.Security.Cryptography;
using DistKit.Locks;

namespace DistKit.Server.Locks;

/// <summary>
/// Locks held on behalf of HTTP clients: each acquire returns a token that the client must renew
/// within its TTL; a client that stops renewing (crashed, partitioned) loses the lock when the TTL
/// runs out, and the next waiter gets it with a larger fencing token.
/// </summary>
internal sealed class NodeLockService(IDistributedLockProvider provider, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Held> _held = new(StringComparer.Ordinal);

    public async Task<Held?> AcquireAsync(string name, TimeSpan ttl, TimeSpan wait, CancellationToken cancellationToken)
    {
        var handle = await provider.CreateLock(name).TryAcquireAsync(wait, cancellationToken);
        if (handle is null)
        {
            return null;
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var held = new Held(token, handle, time);
        _held[token] = held;
        held.Arm(ttl, () => _ = ExpireAsync(token));
        return held;
    }

    public Held? Renew(string name, string token, TimeSpan ttl)
    {
        if (!_held.TryGetValue(token, out var held) || held.Handle.Name != name || held.Handle.Lost.IsCancellationRequested)
        {
            return null;
        }

        return held.Arm(ttl, () => _ = ExpireAsync(token)) ? held : null;
    }

    public async Task<bool> ReleaseAsync(string name, string token)
    {
        if (!_held.TryGetValue(token, out var held) || held.Handle.Name != name || !_held.TryRemove(new KeyValuePair<string, Held>(token, held)))
        {
            return false;
        }

        await held.DisposeAsync();
        return true;
    }

    private async Task ExpireAsync(string token)
    {
        if (_held.TryRemove(token, out var held))
        {
            await held.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var token in _held.Keys.ToList())
        {
            await ExpireAsync(token);
        }
    }

    /// <summary>One client's hold on a lock.</summary>
    internal sealed class Held(string token, LockHandle handle, TimeProvider time) : IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private ITimer? _expiry;
        private bool _done;

        public string Token => token;

        public LockHandle Handle => handle;

        public DateTimeOffset ExpiresAt { get; private set; }

        // Returns false once expired or released: a late renewal cannot revive a lock.
        public bool Arm(TimeSpan ttl, Action expire)
        {
            lock (_gate)
            {
                if (_done)
                {
                    return false;
                }

                _expiry?.Dispose();
                ExpiresAt = time.GetUtcNow() + ttl;
                _expiry = time.CreateTimer(_ => expire(), null, ttl, Timeout.InfiniteTimeSpan);
                return true;
            }
        }

        public async ValueTask DisposeAsync()
        {
            lock (_gate)
            {
                if (_done)
                {
                    return;
                }

                _done = true;
                _expiry?.Dispose();
            }

            await handle.DisposeAsync();
        }
    }
}
