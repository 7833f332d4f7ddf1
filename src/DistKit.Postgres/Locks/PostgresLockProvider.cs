using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using DistKit.Locks;
using DistKit.Postgres.Internal;
using Npgsql;

namespace DistKit.Postgres.Locks;

/// <summary>
/// Locks as PostgreSQL session advisory locks, each held on a connection of its own: waiting is
/// the server's lock queue (first come, first served), the lock goes with the session (a crashed
/// holder's connection closes and frees it), and fencing tokens come from a sequence.
/// </summary>
/// <remarks>
/// Session locks need the same server session across statements, which a transaction-pooling
/// proxy (PgBouncer <c>pool_mode=transaction</c>) does not give: the provider checks and refuses
/// with <see cref="InvalidOperationException"/> rather than hand out locks it cannot keep.
/// </remarks>
public sealed class PostgresLockProvider : IDistributedLockProvider, IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly PostgresLockOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentStack<NpgsqlConnection> _idle = new();
    private volatile bool _ready;

    /// <summary>Locks on the database at <paramref name="connectionString"/> (pooling is turned off for lock connections).</summary>
    public PostgresLockProvider(string connectionString, PostgresLockOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _options = (options ?? PostgresLockOptions.Default).Validate();

        // Closing a pooled connection would keep its session, and the lock with it.
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        _dataSource = Internal.DataSources.Create(_connectionString);
    }

    /// <inheritdoc />
    public string Backend => "postgres";

    /// <inheritdoc />
    public IDistributedLock CreateLock(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new NamedLock(name, EnterAsync);
    }

    /// <summary>The 64-bit advisory lock key of <paramref name="name"/>: the first 8 bytes of its SHA-256.</summary>
    public static long KeyOf(string name) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private async ValueTask<LockHandle?> EnterAsync(string name, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var activity = Diagnostics.PostgresDiagnostics.Start("lock acquire", name);
        NpgsqlConnection connection;
        try
        {
            connection = await TakeConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }

        try
        {
            await EnsureReadyAsync(connection, cancellationToken);
            var key = KeyOf(name);
            long fence;
            if (wait == TimeSpan.Zero)
            {
                // One round trip: the sequence moves only when the lock was granted.
                await using var tryLock = new NpgsqlCommand($"SELECT CASE WHEN pg_try_advisory_lock($1) THEN nextval('{_options.FencingSequence}') ELSE 0 END", connection) { Parameters = { new() { Value = key } } };
                fence = (long)(await tryLock.ExecuteScalarAsync(cancellationToken))!;
            }
            else
            {
                fence = await WaitForLockAsync(connection, key, wait, cancellationToken);
            }

            if (fence == 0)
            {
                GiveBack(connection, reusable: true);
                return null;
            }

            var held = new HeldLock(connection, key, _options.LivenessCheck, _options.TimeProvider, GiveBack);
            return new LockHandle(name, fence, held.ReleaseAsync, () => held.LossReason, held.Lost);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Closing the session frees an advisory lock a cancelled or failed statement may have
            // taken after all, so an abandoned acquire never blocks the name.
            await connection.DisposeAsync();
            if (PostgresErrors.IsOutage(e))
            {
                // The idle sessions died with the server too (they still read as open): drop them,
                // so the requests after its return do not each find one dead.
                while (_idle.TryPop(out var idle))
                {
                    await idle.DisposeAsync();
                }

                throw PostgresErrors.Unavailable(e);
            }

            throw;
        }
    }

    // Sessions that held a lock and gave it back cleanly are kept open for the next one: opening a
    // connection starts a server process, which would cost more than the lock itself.
    private async ValueTask<NpgsqlConnection> TakeConnectionAsync(CancellationToken cancellationToken)
    {
        while (_idle.TryPop(out var idle))
        {
            if (idle.State == System.Data.ConnectionState.Open)
            {
                return idle;
            }

            await idle.DisposeAsync();
        }

        return await _dataSource.OpenConnectionAsync(cancellationToken);
    }

    private void GiveBack(NpgsqlConnection connection, bool reusable)
    {
        if (reusable && connection.State == System.Data.ConnectionState.Open && _idle.Count < _options.IdleSessions)
        {
            _idle.Push(connection);
            return;
        }

        connection.Dispose();
    }

    // One round trip, as the try-lock: the timeout, the wait in the server's queue (arrival order,
    // bounded server-side by lock_timeout) and the fence, as one batch. Three statements sent one
    // by one made an uncontended acquire with a wait cost three round trips (half the throughput).
    // Returns the fence, or 0 when the lock was not free in time.
    private async Task<long> WaitForLockAsync(NpgsqlConnection connection, long key, TimeSpan wait, CancellationToken cancellationToken)
    {
        var timeoutMs = wait != Timeout.InfiniteTimeSpan ? Math.Max(1, (long)wait.TotalMilliseconds) : 0;
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand($"SET lock_timeout = {timeoutMs}"),
                new NpgsqlBatchCommand("SELECT pg_advisory_lock($1)") { Parameters = { new() { Value = key } } },

                // The timeout is for the lock alone: a lock timeout on the sequence would come
                // after the session took the lock, and would read as "not free in time".
                new NpgsqlBatchCommand("SET lock_timeout = 0"),
                new NpgsqlBatchCommand($"SELECT nextval('{_options.FencingSequence}')"),
            },
            Timeout = 0,
        };
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            long fence = 0;
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (reader.GetFieldType(0) == typeof(long))
                    {
                        fence = reader.GetInt64(0);
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
            return fence;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            // Only the advisory lock runs under a timeout, so this is "not free in time"; any other
            // failure propagates and closes the session, which frees a lock it may hold.
            return 0;
        }
    }

    private async Task EnsureReadyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        // Two statements, two transactions: a transaction-pooling proxy may answer them from
        // different server sessions, and a session lock would then be held by nobody we know.
        await using var first = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var pid1 = (int)(await first.ExecuteScalarAsync(cancellationToken))!;
        await using var second = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var pid2 = (int)(await second.ExecuteScalarAsync(cancellationToken))!;
        if (pid1 != pid2)
        {
            throw new InvalidOperationException("PostgreSQL locks need a session-pooled or direct connection; this one moves between server sessions (a transaction-pooling proxy such as PgBouncer pool_mode=transaction?). Connect the lock provider directly or through a session pool.");
        }

        await using var sequence = new NpgsqlCommand($"CREATE SEQUENCE IF NOT EXISTS {_options.FencingSequence}", connection);
        await Internal.Schema.EnsureAsync(sequence, cancellationToken);

        _ready = true;
    }

    /// <summary>Closes the idle sessions; held locks keep their own connections until released.</summary>
    public async ValueTask DisposeAsync()
    {
        while (_idle.TryPop(out var idle))
        {
            await idle.DisposeAsync();
        }

        await _dataSource.DisposeAsync();
    }
}
