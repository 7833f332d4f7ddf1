using DistKit.Configuration;
using DistKit.Core.Composition;
using DistKit.Core.Leases;
using DistKit.Ids.Segments;
using DistKit.Scheduling.Jobs;
using DistKit.Sqlite.Configuration;
using DistKit.Sqlite.Jobs;
using DistKit.Sqlite.Leases;
using DistKit.Sqlite.Ids;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded SQLite engine: <c>services.AddDistKit(configuration).AddSqlite()</c>.</summary>
public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Registers the stores that need no server, as the <c>embedded</c> engine of their capability:
    /// segment blocks in <c>{DataDir}/ids/segments.db</c>, jobs in <c>{DataDir}/jobs/jobs.db</c>,
    /// configuration in <c>{DataDir}/config/config.db</c> and
    /// leases (the jobs' shards) in <c>{DataDir}/leases.db</c>: one machine; processes on it share the files.
    /// </summary>
    public static DistKitBuilder AddSqlite(this DistKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Engines.Add("segments", DistKitBuilder.Embedded);
        builder.Services.AddKeyedSingleton<ISegmentStore>(DistKitBuilder.Embedded, (services, _) =>
            new SqliteSegmentStore(Path.Combine(DataDir(services), "ids", "segments.db")));
        builder.Engines.Add(JobsOptions.Capability, DistKitBuilder.Embedded);
        builder.Services.AddKeyedSingleton<IJobStore>(DistKitBuilder.Embedded, (services, _) =>
            new SqliteJobStore(Path.Combine(DataDir(services), "jobs", "jobs.db"), services.GetService<TimeProvider>()));
        builder.Engines.Add(ConfigOptions.Capability, DistKitBuilder.Embedded);
        builder.Services.AddKeyedSingleton<IConfigStore>(DistKitBuilder.Embedded, (services, _) =>
            new SqliteConfigStore(Path.Combine(DataDir(services), "config", "config.db")));
        builder.Services.AddKeyedSingleton<ILeaseStore>(DistKitBuilder.Embedded, (services, _) =>
            new SqliteLeaseStore(Path.Combine(DataDir(services), "leases.db")));
        return builder;
    }

    private static string DataDir(IServiceProvider services) => services.GetRequiredService<IOptions<DistKitOptions>>().Value.DataDir;
}
