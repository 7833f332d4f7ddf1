using Npgsql;

namespace DistKit.Postgres.Internal;

/// <summary>Creates DistKit's own tables and sequences on first use, safely when processes race.</summary>
internal static class Schema
{
    /// <summary>
    /// Runs an idempotent <c>CREATE … IF NOT EXISTS</c>. Two sessions running it at once can still
    /// collide in the catalog (unique violation, duplicate table, or — for tables — the duplicate
    /// row type, 42710): the loser finds the object made, which is all it wanted.
    /// </summary>
    public static async Task EnsureAsync(NpgsqlCommand create, CancellationToken cancellationToken)
    {
        try
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable or PostgresErrorCodes.DuplicateObject)
        {
            // Created by another session at the same moment.
        }
    }
}
