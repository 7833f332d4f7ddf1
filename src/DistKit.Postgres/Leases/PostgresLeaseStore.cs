using System.Security.Cryptography;
using DistKit.Core.Leases;
using DistKit.Postgres.Internal;
using Npgsql;

namespace DistKit.Postgres.Leases;

/// <summary>
/// Leases as rows of one table, timed by the database's clock: a name is free once its
/// <c>expires_at</c> has passed, taken by an upsert that bumps the row's fencing number, renewed by
/// an update that matches the owner. Works through any pooler, transaction pooling included,
/// because no state lives in a session.
/// </summary>
/// <param name="dataSource">A pooled data source; not owned.</param>
/// <param name="table">The lease table, created on first use. Default: <c>distkit_leases</c>.</param>
public sealed class PostgresLeaseStore(NpgsqlDataSource dataSource, string table = "distkit_leases") : ILeaseStore
{
    // Long enough for a live server under load, short enough that an unreachable one cannot hang a caller.
    private static readonly TimeSpan CleanUpBound = TimeSpan.FromSeconds(5);

    private readonly string _table = QuoteIdentifier(table);
    private volatile bool _created;

    /// <inheritdoc />
    public string Engine => "postgres";

    /// <inheritdoc />
    public async ValueTask<Lease?> TryAcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default)
    {
        using var activity = Diagnostics.PostgresDiagnostics.Start("lease acquire", name);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var started = options.TimeProvider.GetTimestamp();
        var sent = false;
        try
        {
            await EnsureTableAsync(cancellationToken);
            sent = true;
            var fence = await UpsertAsync(name, token, options.EngineTtl, cancellationToken);
            return fence is long value ? PostgresLease.Start(this, name, token, value, options, started) : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (sent)
            {
                // The upsert may have committed before the cancel or the failure reached us: a row
                // under a token nobody knows would hold the name for the whole TTL. Clean up by owner.
                await ReleaseQuietlyAsync(name, token, options.TimeProvider);
            }

            if (PostgresErrors.IsOutage(e))
            {
                throw PostgresErrors.Unavailable(e);
            }

            throw;
        }
    }

    private async Task<object?> UpsertAsync(string name, string token, TimeSpan engineTtl, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {_table} AS l (name, owner, expires_at, fence)
            VALUES ($1, $2, clock_timestamp() + $3, 1)
            ON CONFLICT (name) DO UPDATE
              SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, fence = l.fence + 1
              WHERE l.expires_at < clock_timestamp()
            RETURNING fence
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = token });
        command.Parameters.Add(new NpgsqlParameter { Value = engineTtl });
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task ReleaseQuietlyAsync(string name, string token, TimeProvider time)
    {
        using var bound = new CancellationTokenSource(CleanUpBound, time);
        try
        {
            await ReleaseAsync(name, token, bound.Token);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // Unreachable: the row, if it landed, frees the name after the TTL.
        }
    }

    internal async ValueTask<bool> RenewAsync(string name, string owner, TimeSpan engineTtl, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            UPDATE {_table} SET expires_at = clock_timestamp() + $3
            WHERE name = $1 AND owner = $2 AND expires_at > clock_timestamp()
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        command.Parameters.Add(new NpgsqlParameter { Value = engineTtl });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    internal async ValueTask ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        // The row stays, so the fencing number keeps growing across holders.
        await using var command = dataSource.CreateCommand($"""
            UPDATE {_table} SET owner = NULL, expires_at = '-infinity' WHERE name = $1 AND owner = $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async ValueTask EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await using var command = dataSource.CreateCommand($"""
            CREATE TABLE IF NOT EXISTS {_table} (
              name text PRIMARY KEY,
              owner text,
              expires_at timestamptz NOT NULL,
              fence bigint NOT NULL)
            """);
        await Internal.Schema.EnsureAsync(command, cancellationToken);
        _created = true;
    }

    private static string QuoteIdentifier(string identifier)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identifier);
        return string.Join('.', identifier.Split('.').Select(part => "\"" + part.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
    }
}
