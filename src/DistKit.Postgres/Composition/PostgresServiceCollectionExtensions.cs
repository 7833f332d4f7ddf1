using DistKit.Configuration;
using DistKit.Core.Composition;
using DistKit.Core.Leases;
using DistKit.Ids.Segments;
using DistKit.Locks;
using DistKit.Locks.Composition;
using DistKit.Postgres.Composition;
using DistKit.Postgres.Configuration;
using DistKit.Postgres.Ids;
using DistKit.Postgres.Jobs;
using DistKit.Postgres.Leases;
using DistKit.Postgres.Locks;
using DistKit.Scheduling.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL engine: <c>services.AddDistKit(configuration).AddPostgres()</c>.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>The engine's name in settings (<c>DistKit:Capabilities:Locks = postgres</c>).</summary>
    public const string Postgres = "postgres";

    /// <summary>
    /// Registers PostgreSQL for every capability it serves: session locks, worker-id leases for IDs,
    /// segment blocks, the job store with its shard leases, and the configuration store. Leases, segments and jobs use an <see cref="NpgsqlDataSource"/> the app
    /// registered, else one made from <c>DistKit:Engines:Postgres</c>; locks keep sessions of their
    /// own (a pooled connection would keep its session, and the lock with it).
    /// </summary>
    public static DistKitBuilder AddPostgres(this DistKitBuilder builder, Action<PostgresEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = builder.Services.AddOptions<PostgresEngineOptions>().Configure(postgres =>
        {
            var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(PostgresEngineOptions));
            postgres.ConnectionString = settings.Text("Engines:Postgres") ?? postgres.ConnectionString;
            if (postgres.ConnectionString is { } text)
            {
                try
                {
                    _ = new NpgsqlConnectionStringBuilder(text);
                }
                catch (ArgumentException)
                {
                    // Npgsql's message would quote the string, password and all.
                    throw settings.Error("Engines:Postgres", "is not an Npgsql connection string (Host=…;Username=…;Database=…)");
                }
            }
        });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        var missing = (IServiceProvider services) =>
            ConnectionString(services) is null
                ? $"{builder.PathOf("Engines:Postgres")} is not set (an Npgsql connection string such as Host=localhost;Username=app;Database=app), and the app registered no NpgsqlDataSource"
                : null;
        // Locks open sessions of their own from the connection string; a registered data source's
        // ConnectionString has no password in it (Npgsql drops it), so it cannot stand in here.
        builder.Engines.Add(LocksOptions.Capability, Postgres, services =>
            services.GetRequiredService<IOptions<PostgresEngineOptions>>().Value.ConnectionString is null
                ? $"{builder.PathOf("Engines:Postgres")} is not set (an Npgsql connection string such as Host=localhost;Username=app;Database=app); locks keep sessions of their own and need it even when the app registered an NpgsqlDataSource"
                : null);
        builder.Engines.Add("ids", Postgres, missing);
        builder.Engines.Add("segments", Postgres, missing);
        builder.Engines.Add(JobsOptions.Capability, Postgres, missing);
        builder.Engines.Add(ConfigOptions.Capability, Postgres, missing);

        builder.Services.AddKeyedSingleton(Postgres, (services, _) =>
            services.GetService<NpgsqlDataSource>() is { } appOwned
                ? new PostgresDataSource(appOwned, owned: false)
                : new PostgresDataSource(DistKit.Postgres.Internal.DataSources.Create(ConnectionString(services)
                    ?? throw new InvalidOperationException($"no PostgreSQL connection is configured ({builder.PathOf("Engines:Postgres")})")), owned: true));
        builder.Services.AddKeyedSingleton<ILeaseStore>(Postgres, (services, _) =>
            new PostgresLeaseStore(services.GetRequiredKeyedService<PostgresDataSource>(Postgres).DataSource));
        builder.Services.AddKeyedSingleton<ISegmentStore>(Postgres, (services, _) =>
            new PostgresSegmentStore(services.GetRequiredKeyedService<PostgresDataSource>(Postgres).DataSource));
        builder.Services.AddKeyedSingleton<IJobStore>(Postgres, (services, _) =>
            new PostgresJobStore(services.GetRequiredKeyedService<PostgresDataSource>(Postgres).DataSource, services.GetService<TimeProvider>()));
        builder.Services.AddKeyedSingleton<IConfigStore>(Postgres, (services, _) =>
            new PostgresConfigStore(services.GetRequiredKeyedService<PostgresDataSource>(Postgres).DataSource));
        builder.Services.AddKeyedSingleton<IDistributedLockProvider>(Postgres, (services, _) =>
            new PostgresLockProvider(services.GetRequiredService<IOptions<PostgresEngineOptions>>().Value.ConnectionString
                ?? throw new InvalidOperationException($"no PostgreSQL connection is configured ({builder.PathOf("Engines:Postgres")})")));
        return builder;
    }

    private static string? ConnectionString(IServiceProvider services) =>
        services.GetRequiredService<IOptions<PostgresEngineOptions>>().Value.ConnectionString
        ?? services.GetService<NpgsqlDataSource>()?.ConnectionString;

    // Disposes the data source only when DistKit made it.
    private sealed class PostgresDataSource(NpgsqlDataSource dataSource, bool owned) : IAsyncDisposable
    {
        public NpgsqlDataSource DataSource => dataSource;

        public ValueTask DisposeAsync() => owned ? dataSource.DisposeAsync() : ValueTask.CompletedTask;
    }
}
