using System.Collections.Concurrent;
using DistKit.Ids;
using DistKit.Ids.Workers;
using DistKit.Server.Engines;
using DistKit.Server.Settings;

namespace DistKit.Server.Ids;

/// <summary>
/// The node's generators, one per layout asked for, each keeping a worker id that outlives
/// restarts and a time mark in the data directory. A lost worker id (the engine restarted) or one
/// that cannot be had (the engine is down) is re-acquired in the background; meanwhile requests
/// answer 503. Disposed with the node, which records the marks.
/// </summary>
internal sealed class IdService(NodeSettings settings, string dataDir, EngineConnections engines) : IAsyncDisposable
{
    // Each layout holds a worker id and a file; a caller cannot make the node hold unboundedly many.
    private const int MaxLayouts = 32;

    private readonly ConcurrentDictionary<IdLayout, Lazy<ManagedIdGenerator>> _generators = new();
    private readonly ClockBackwardsPolicy _policy = Enum.Parse<ClockBackwardsPolicy>(settings.Ids.ClockPolicy, ignoreCase: true);
    private readonly string _directory = Path.Combine(dataDir, "ids");

    /// <summary>The generator of <paramref name="layout"/>, waiting for its first worker id if it has just been created.</summary>
    /// <exception cref="WorkerIdUnavailableException">No worker id is held for the layout now (transient: 503).</exception>
    public async ValueTask<SnowflakeIdGenerator> GeneratorAsync(IdLayout layout, CancellationToken cancellationToken)
    {
        if (!_generators.ContainsKey(layout) && _generators.Count >= MaxLayouts)
        {
            throw new Http.ApiException(StatusCodes.Status400BadRequest, Http.ErrorCodes.InvalidArgument, $"this node already serves {MaxLayouts} layouts; use one of them or a preset");
        }

        var managed = _generators.GetOrAdd(layout, l => new Lazy<ManagedIdGenerator>(() => Create(l))).Value;
        await managed.StartAsync(cancellationToken);
        return await managed.CurrentAsync(cancellationToken);
    }

    private ManagedIdGenerator Create(IdLayout layout)
    {
        var name = layout.StorageName;
        var engine = settings.EngineFor("ids");
        IWorkerIdSource source = settings.Ids.Worker is { } worker ? new StaticWorkerIdSource(worker)
            : engine == EngineNames.Embedded ? new FileWorkerIdSource(Path.Combine(_directory, name + ".worker"))
            : new EngineWorkerIdSource(engines, engine, name);
        return new ManagedIdGenerator(source, new ManagedIdGeneratorOptions
        {
            Generator = IdGeneratorOptions.Default with { Layout = layout, ClockPolicy = _policy },
            TimeMarksFor = workerId => new FileTimeMarkStore(Path.Combine(_directory, $"{name}-{workerId}.mark")),
        });
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

    // The engine's lease store is made on first use, so a node whose engine is down at start
    // still starts, and the first acquisition that finds it up connects it.
    private sealed class EngineWorkerIdSource(EngineConnections engines, string engine, string scope) : IWorkerIdSource
    {
        public async ValueTask<WorkerIdLease> AcquireAsync(long maxId, CancellationToken cancellationToken = default) =>
            await new LeasedWorkerIdSource(await engines.LeaseStoreAsync(engine), scope).AcquireAsync(maxId, cancellationToken);
    }
}
