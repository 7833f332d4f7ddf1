using System.Collections.Concurrent;
using DistKit.Ids;
using DistKit.Ids.Workers;
using DistKit.Server.Engines;
using DistKit.Server.Settings;

namespace DistKit.Server.Ids;

/// <summary>
/// The node's generators, one per layout asked for, each with a worker id that outlives restarts
/// and a time mark in the data directory. Disposed with the node, which records the marks.
/// </summary>
internal sealed class IdService(NodeSettings settings, string dataDir, EngineConnections engines) : IAsyncDisposable
{
    // Each layout holds a worker id and a file; a caller cannot make the node hold unboundedly many.
    private const int MaxLayouts = 32;

    private readonly ConcurrentDictionary<IdLayout, Lazy<Task<Entry>>> _generators = new();
    private readonly ClockBackwardsPolicy _policy = Enum.Parse<ClockBackwardsPolicy>(settings.Ids.ClockPolicy, ignoreCase: true);
    private readonly string _directory = Path.Combine(dataDir, "ids");

    public async ValueTask<SnowflakeIdGenerator> GeneratorAsync(IdLayout layout, CancellationToken cancellationToken)
    {
        if (!_generators.ContainsKey(layout) && _generators.Count >= MaxLayouts)
        {
            throw new Http.ApiException(StatusCodes.Status400BadRequest, Http.ErrorCodes.InvalidArgument, $"this node already serves {MaxLayouts} layouts; use one of them or a preset");
        }

        var entry = _generators.GetOrAdd(layout, l => new Lazy<Task<Entry>>(() => CreateAsync(l)));
        return (await entry.Value.WaitAsync(cancellationToken)).Generator;
    }

    private async Task<Entry> CreateAsync(IdLayout layout)
    {
        var name = layout.StorageName;
        var engine = settings.EngineFor("ids");
        IWorkerIdSource source = settings.Ids.Worker is { } worker ? new StaticWorkerIdSource(worker)
            : engine == EngineNames.Embedded ? new FileWorkerIdSource(Path.Combine(_directory, name + ".worker"))
            : new LeasedWorkerIdSource(await engines.LeaseStoreAsync(engine), name);
        var lease = await source.AcquireAsync(layout.MaxNode);
        var generator = new SnowflakeIdGenerator(
            new IdGeneratorOptions
            {
                Layout = layout,
                ClockPolicy = _policy,
                TimeMarks = new FileTimeMarkStore(Path.Combine(_directory, $"{name}-{lease.WorkerId}.mark")),
            },
            lease);
        return new Entry(generator, lease);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var entry in _generators.Values.Where(e => e.IsValueCreated))
        {
            if (entry.Value.IsCompletedSuccessfully)
            {
                var (generator, lease) = entry.Value.Result;
                generator.Dispose();
                await lease.DisposeAsync();
            }
        }
    }

    private sealed record Entry(SnowflakeIdGenerator Generator, WorkerIdLease Lease);
}
