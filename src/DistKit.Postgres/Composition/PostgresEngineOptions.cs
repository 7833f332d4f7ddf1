namespace DistKit.Postgres.Composition;

/// <summary>Where DistKit finds PostgreSQL: <c>DistKit:Engines:Postgres</c>.</summary>
/// <remarks>The connection string may hold a password: DistKit never logs it.</remarks>
public sealed class PostgresEngineOptions
{
    /// <summary>
    /// An Npgsql connection string. Key: <c>DistKit:Engines:Postgres</c>. Default: none, and then
    /// an <c>NpgsqlDataSource</c> the app registered is used.
    /// </summary>
    public string? ConnectionString { get; set; }
}
