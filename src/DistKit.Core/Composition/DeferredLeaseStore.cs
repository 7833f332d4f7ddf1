using DistKit.Core.Leases;

namespace DistKit.Core.Composition;

/// <summary>
/// A lease store whose engine connection is made on the first acquire rather than when it is
/// registered, so a host starts while the engine is down and the first acquire that finds it up
/// connects it. What an engine package registers when connecting is asynchronous.
/// </summary>
public sealed class DeferredLeaseStore(string engine, Func<CancellationToken, Task<ILeaseStore>> connect) : ILeaseStore, IAsyncDisposable
{
    private readonly OnFirstUse<ILeaseStore> _store = new(connect);

    /// <inheritdoc />
    public string Engine => engine;

    /// <inheritdoc />
    public async ValueTask<Lease?> TryAcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default) =>
        await (await _store.GetAsync(cancellationToken)).TryAcquireAsync(name, options, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _store.DisposeAsync();
}
