using Npgsql;

namespace DistKit.Postgres.Internal;

/// <summary>
/// Npgsql data sources as DistKit uses them: the slim builder, with only the plain types DistKit's
/// SQL reads and writes (text, bigint, interval) and TLS. The full builder's type plugins (ranges,
/// JSON, arrays, geometry, …) would otherwise be compiled into every natively built app and CLI
/// and paid for at each start.
/// </summary>
internal static class DataSources
{
    public static NpgsqlDataSource Create(string connectionString) =>
        new NpgsqlSlimDataSourceBuilder(connectionString).EnableTransportSecurity().Build();
}
