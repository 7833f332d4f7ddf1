using DistKit.Core;
using Microsoft.Data.Sqlite;

namespace DistKit.Sqlite.Internal;

/// <summary>Which SQLite failures mean "the file is busy", and the exception they become at DistKit's boundary.</summary>
internal static class SqliteErrors
{
    private const int Busy = 5;
    private const int Locked = 6;

    /// <summary>
    /// Runs <paramref name="step"/>; a file another process held past the busy timeout becomes a
    /// transient <see cref="EngineUnavailableException"/>: the same call can succeed once it is free.
    /// </summary>
    public static async ValueTask<T> TransientWhenBusy<T>(Func<ValueTask<T>> step)
    {
        try
        {
            return await step();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is Busy or Locked)
        {
            throw new EngineUnavailableException("embedded", e);
        }
    }
}
