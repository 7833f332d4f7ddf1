using DistKit.Core.Composition;
using DistKit.Ids.Segments;
using DistKit.Sqlite.Ids;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded SQLite engine: <c>services.AddDistKit(configuration).AddSqlite()</c>.</summary>
public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Registers the stores that need no server, as the <c>embedded</c> engine of their capability:
    /// segment blocks in <c>{DataDir}/ids/segments.db</c> (one machine; processes on it share the file).
    /// </summary>
    public static DistKitBuilder AddSqlite(this DistKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Engines.Add("segments", DistKitBuilder.Embedded);
        builder.Services.AddKeyedSingleton<ISegmentStore>(DistKitBuilder.Embedded, (services, _) =>
            new SqliteSegmentStore(Path.Combine(services.GetRequiredService<IOptions<DistKitOptions>>().Value.DataDir, "ids", "segments.db")));
        return builder;
    }
}
