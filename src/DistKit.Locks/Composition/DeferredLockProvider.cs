using DistKit.Core.Composition;

namespace DistKit.Locks.Composition;

/// <summary>
/// A lock provider whose engine connection is made on the first acquire rather than when it is
/// registered, so a host starts while the engine is down and the first acquire that finds it up
/// connects it. What an engine package registers when connecting is asynchronous.
/// </summary>
public sealed class DeferredLockProvider(string backend, Func<CancellationToken, Task<IDistributedLockProvider>> connect) : IDistributedLockProvider, IAsyncDisposable
{
    private readonly OnFirstUse<IDistributedLockProvider> _provider = new(connect);

    /// <inheritdoc />
    public string Backend => backend;

    /// <inheritdoc />
    public IDistributedLock CreateLock(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new DeferredLock(name, _provider);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _provider.DisposeAsync();

    // The engine's lock is made once, on the first acquire: providers build a lock's keys when
    // they make it, and a lock is acquired many times.
    private sealed class DeferredLock(string name, OnFirstUse<IDistributedLockProvider> provider) : IDistributedLock
    {
        private IDistributedLock? _inner;

        public string Name => name;

        public async ValueTask<LockHandle?> TryAcquireAsync(TimeSpan wait = default, CancellationToken cancellationToken = default) =>
            await (_inner ?? await MakeAsync(cancellationToken)).TryAcquireAsync(wait, cancellationToken);

        public async ValueTask<LockHandle> AcquireAsync(TimeSpan? wait = null, CancellationToken cancellationToken = default) =>
            await (_inner ?? await MakeAsync(cancellationToken)).AcquireAsync(wait, cancellationToken);

        private async ValueTask<IDistributedLock> MakeAsync(CancellationToken cancellationToken) =>
            _inner = (await provider.GetAsync(cancellationToken)).CreateLock(name);
    }
}
