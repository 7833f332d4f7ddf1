using DistKit.Core.Composition;
using DistKit.Core.Leases;
using DistKit.Ids.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DistKit.Ids.Composition;

/// <summary>
/// Builds the generators of the IDs capability from its settings: the worker-id source the
/// settings name, and time marks kept in <c>{DataDir}/ids/</c>. One per layout; the app's default
/// generator and each layout the node serves come from here, so they name their files alike.
/// </summary>
/// <remarks>
/// Made by the container, or by hand where settings name no engine (a file or a fixed worker id),
/// as the CLI's <c>distkit id next</c> does to start without one; <paramref name="services"/> is
/// then null, and is needed only for the engines' lease stores.
/// </remarks>
public sealed class IdGeneratorFactory(IOptions<IdsOptions> ids, IOptions<DistKitOptions> distKit, IServiceProvider? services, TimeProvider time, Diagnostics.IdsTelemetry telemetry)
{
    /// <summary>Where worker-id files and time marks are kept.</summary>
    public string Directory => Path.GetFullPath(Path.Combine(distKit.Value.DataDir, "ids"));

    /// <summary>The worker-id source for <paramref name="layout"/>: the fixed id, the file, or a lease on the engine.</summary>
    public IWorkerIdSource WorkerIdSource(IdLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var options = ids.Value;
        if (options.Worker is { } worker)
        {
            return new StaticWorkerIdSource(worker);
        }

        return options.Engine == DistKitBuilder.Embedded
            ? new FileWorkerIdSource(Path.Combine(Directory, layout.StorageName + ".worker"))
            : new LeasedWorkerIdSource(
                (services ?? throw new InvalidOperationException($"worker ids on '{options.Engine}' need the engine's registration; make the factory through AddIds()"))
                    .GetRequiredKeyedService<ILeaseStore>(options.Engine),
                layout.StorageName,
                options.WorkerLease);
    }

    /// <summary>A generator of <paramref name="layout"/> that keeps its own worker id; call its <see cref="ManagedIdGenerator.StartAsync"/>.</summary>
    public ManagedIdGenerator Create(IdLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var options = ids.Value;
        var directory = Directory;
        return new ManagedIdGenerator(WorkerIdSource(layout), new ManagedIdGeneratorOptions
        {
            Generator = IdGeneratorOptions.Default with { Layout = layout, ClockPolicy = options.ClockPolicy, TimeProvider = time },
            TimeMarksFor = workerId => new FileTimeMarkStore(Path.Combine(directory, $"{layout.StorageName}-{workerId}.mark")),
            Telemetry = telemetry,
        });
    }
}
