using DistKit.Core;
using Npgsql;

namespace DistKit.Postgres.Internal;

/// <summary>Which client failures mean "PostgreSQL is not answering", and the exception they become at DistKit's boundary.</summary>
internal static class PostgresErrors
{
    /// <summary>
    /// True for a server that cannot be reached or is going away (Npgsql's own transient verdict:
    /// socket and I/O errors, timeouts, SQLSTATE classes 08 and 57P0x, too many connections); a
    /// statement the server rejects for what it says is not an outage.
    /// </summary>
    public static bool IsOutage(Exception e) => e is NpgsqlException { IsTransient: true };

    public static EngineUnavailableException Unavailable(Exception e)
    {
        Diagnostics.PostgresDiagnostics.EngineError("postgres");
        return new("postgres", e);
    }
}
