using Microsoft.Extensions.Hosting;

namespace DistKit.Ids.Composition;

/// <summary>
/// Keeps the app's <see cref="IIdGenerator"/> supplied with a worker id: acquires one when the host
/// starts (waiting for the first attempt only), re-acquires it in the background after a loss,
/// and on stop saves the time mark and gives the worker id back. While none is held the generator
/// throws a transient <see cref="Workers.WorkerIdUnavailableException"/> instead of issuing.
/// </summary>
public sealed class IdGeneratorHostedService(ManagedIdGenerator generator) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => generator.StartAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => generator.DisposeAsync().AsTask();
}
