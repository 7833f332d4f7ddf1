using System.Collections.Concurrent;
using DistKit.Ids;
using DistKit.Ids.Composition;
using DistKit.Ids.Workers;

namespace DistKit.Server.Ids;

/// <summary>
/// The node's generators, one per layout asked for: the app-wide one of the IDs capability (kept
/// by its hosted service) for the configured layout, and one more from the same factory for each
/// other layout a request names. Each keeps a worker id that outlives restarts and a time mark in
/// the data directory; a lost worker id or one that cannot be had is re-acquired in the
/// background, and meanwhile requests answer 503.
/// </summary>
internal sealed class IdService(IdGeneratorFactory factory, ManagedIdGenerator configured) : IAsyncDisposable
{
    // Each layout holds a worker id and a file; a caller cannot make the node hold unboundedly many.
    private const int MaxLayouts = 32;

    private readonly ConcurrentDictionary<IdLayout, Lazy<ManagedIdGenerator>> _generators = new();

    /// <summary>The generator of <paramref name="layout"/>, waiting for its first worker id if it has just been created.</summary>
    /// <exception cref="WorkerIdUnavailableException">No worker id is held for the layout now (transient: 503).</exception>
    public async ValueTask<SnowflakeIdGenerator> GeneratorAsync(IdLayout layout, CancellationToken cancellationToken)
    {
        if (layout.Equals(configured.Layout))
        {
            return await configured.CurrentAsync(cancellationToken);
        }

        if (!_generators.ContainsKey(layout) && _generators.Count >= MaxLayouts - 1)
        {
            throw new Http.ApiException(StatusCodes.Status400BadRequest, Http.ErrorCodes.InvalidArgument, $"this node already serves {MaxLayouts} layouts; use one of them or a preset");
        }

        var managed = _generators.GetOrAdd(layout, l => new Lazy<ManagedIdGenerator>(() => factory.Create(l))).Value;
        await managed.StartAsync(cancellationToken);
        return await managed.CurrentAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Each on its own: one that fails must not keep the others' marks unsaved and ids unreleased.
        var failures = new List<Exception>();
        foreach (var entry in _generators.Values.Where(e => e.IsValueCreated))
        {
            try
            {
                await entry.Value.DisposeAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add(e);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("some id generators did not stop cleanly", failures);
        }
    }
}
