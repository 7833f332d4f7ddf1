using DistKit.Balancing;
using DistKit.Balancing.Discovery;

namespace DistKit.Server.Balancing;

/// <summary>
/// Registrations the node holds for remote instances: each lives in the registry (an etcd lease the
/// node keeps alive, or an entry in this process) while its instance keeps sending <c>PUT</c> within
/// its TTL; one missed TTL and the node removes it. When the node dies, etcd removes its
/// registrations at the end of their leases.
/// </summary>
internal sealed class NodeRegistrations(IServiceRegistry registry, TimeProvider time, ILogger<NodeRegistrations> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(string Service, string Address), Held> _held = [];
    private bool _disposed;

    public IServiceRegistry Registry => registry;

    /// <summary>Registers <paramref name="endpoint"/>, or renews its registration when it is held with the same weight and metadata.</summary>
    public async Task<DateTimeOffset> PutAsync(string service, ServiceEndpoint endpoint, TimeSpan ttl, CancellationToken cancellationToken)
    {
        service = ServiceNames.Normalize(service);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var key = (service, endpoint.Address);
            if (_held.TryGetValue(key, out var held) && held.Ttl == ttl && SameEndpoint(held.Registration.Endpoint, endpoint) && held.Registration.IsRegistered)
            {
                return held.Renew(time);
            }

            // The new registration first, then the old one goes: watchers never see the address missing.
            var registration = await registry.RegisterAsync(service, endpoint, ttl, cancellationToken);
            var next = new Held(registration, ttl, time.CreateTimer(_ => _ = ExpireAsync(key, registration), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
            _held[key] = next;
            if (held is not null)
            {
                await held.DisposeAsync();
            }

            return next.Renew(time);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Removes the registration of <paramref name="address"/>; false when the node holds none.</summary>
    public async Task<bool> DeleteAsync(string service, string address, CancellationToken cancellationToken)
    {
        service = ServiceNames.Normalize(service);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_held.Remove((service, address), out var held))
            {
                return false;
            }

            await held.DisposeAsync();
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _disposed = true;

            // All at once, each on its own: one etcd revoke that hangs or fails holds up no other.
            await Task.WhenAll(_held.Values.Select(async held =>
            {
                try
                {
                    await held.DisposeAsync();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    NodeRegistrationLog.ExpiryFailed(logger, e, held.Registration.Service, held.Registration.Endpoint.Address);
                }
            }));
            _held.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ExpireAsync((string Service, string Address) key, ServiceRegistration registration)
    {
        try
        {
            await _gate.WaitAsync();
            try
            {
                // Only if it is still the one this timer was made for, and was not renewed meanwhile.
                if (_disposed || !_held.TryGetValue(key, out var held) || held.Registration != registration)
                {
                    return;
                }

                // A timer may fire a little before its time (coarse timers): wait out the rest.
                if (held.Left(time) is { } left && left > TimeSpan.Zero)
                {
                    held.Rearm(TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds)));
                    return;
                }

                _held.Remove(key);
                await held.DisposeAsync();
            }
            finally
            {
                _gate.Release();
            }

            NodeRegistrationLog.Expired(logger, key.Service, key.Address);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            NodeRegistrationLog.ExpiryFailed(logger, e, key.Service, key.Address);
        }
    }

    private static bool SameEndpoint(ServiceEndpoint a, ServiceEndpoint b) =>
        a.Equals(b) && a.Metadata.Count == b.Metadata.Count && a.Metadata.All(m => b.Metadata.TryGetValue(m.Key, out var v) && v == m.Value);

    private sealed class Held(ServiceRegistration registration, TimeSpan ttl, ITimer expiry) : IAsyncDisposable
    {
        private long _expiresAt;

        public ServiceRegistration Registration => registration;

        public TimeSpan Ttl => ttl;

        public DateTimeOffset Renew(TimeProvider time)
        {
            Volatile.Write(ref _expiresAt, time.GetTimestamp() + (long)(ttl.TotalSeconds * time.TimestampFrequency));
            expiry.Change(ttl, Timeout.InfiniteTimeSpan);
            return time.GetUtcNow() + ttl;
        }

        public TimeSpan? Left(TimeProvider time)
        {
            var left = Volatile.Read(ref _expiresAt) - time.GetTimestamp();
            return left > 0 ? TimeSpan.FromSeconds(left / (double)time.TimestampFrequency) : null;
        }

        public void Rearm(TimeSpan after) => expiry.Change(after, Timeout.InfiniteTimeSpan);

        public async ValueTask DisposeAsync()
        {
            expiry.Dispose();
            await registration.DisposeAsync();
        }
    }
}

internal static partial class NodeRegistrationLog
{
    [LoggerMessage(5150, LogLevel.Information, "Service {Service}: {Address} not renewed within its TTL; removed")]
    public static partial void Expired(ILogger logger, string service, string address);

    [LoggerMessage(5151, LogLevel.Warning, "Service {Service}: removing the registration of {Address} failed")]
    public static partial void ExpiryFailed(ILogger logger, Exception error, string service, string address);
}
