using System.Security.Cryptography;
using DistKit.Core.Leases;
using DistKit.Sqlite.Internal;

namespace DistKit.Sqlite.Leases;

/// <summary>
/// The embedded lease store: rows of one SQLite file, so processes on one machine that share it
/// (several nodes on one data directory) hold each name one at a time, with a fencing number that
/// grows each time it changes hands. Timed by the holders' clock, which on one machine is one clock.
/// </summary>
public sealed class SqliteLeaseStore : ILeaseStore
{
    private readonly SqliteFile _file;

    /// <summary>Uses (and creates) the SQLite file at <paramref name="path"/>.</summary>
    public SqliteLeaseStore(string path) =>
        _file = new SqliteFile(path, "CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, owner TEXT, expires INTEGER NOT NULL, fence INTEGER NOT NULL);");

    /// <inheritdoc />
    public string Engine => "embedded";

    /// <inheritdoc />
    public async ValueTask<Lease?> TryAcquireAsync(string name, LeaseOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var started = options.TimeProvider.GetTimestamp();
        var now = options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO leases (name, owner, expires, fence) VALUES ($name, $owner, $expires, 1)
            ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires = excluded.expires, fence = leases.fence + 1
              WHERE leases.expires < $now
            RETURNING fence
            """;
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$owner", token);
        command.Parameters.AddWithValue("$expires", now + (long)options.EngineTtl.TotalMilliseconds);
        command.Parameters.AddWithValue("$now", now);
        return await command.ExecuteScalarAsync(cancellationToken) is long fence
            ? SqliteLease.Start(this, name, token, fence, options, started)
            : null;
    }

    internal async ValueTask<bool> RenewAsync(string name, string owner, LeaseOptions options, CancellationToken cancellationToken)
    {
        var now = options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE leases SET expires = $expires WHERE name = $name AND owner = $owner AND expires > $now";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$owner", owner);
        command.Parameters.AddWithValue("$expires", now + (long)options.EngineTtl.TotalMilliseconds);
        command.Parameters.AddWithValue("$now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    internal async ValueTask ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        // The row stays, so the fencing number keeps growing across holders.
        await using var connection = await _file.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE leases SET owner = NULL, expires = 0 WHERE name = $name AND owner = $owner";
        command.Parameters.AddWithValue("$name", name);
        command.Parameters.AddWithValue("$owner", owner);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed class SqliteLease : Lease
    {
        private readonly SqliteLeaseStore _store;
        private readonly LeaseOptions _options;

        private SqliteLease(SqliteLeaseStore store, string name, string token, long fence, LeaseOptions options, long started)
            : base(name, token, fence, options, started)
        {
            _store = store;
            _options = options;
        }

        public static SqliteLease Start(SqliteLeaseStore store, string name, string token, long fence, LeaseOptions options, long started)
        {
            var lease = new SqliteLease(store, name, token, fence, options, started);
            lease.Start();
            return lease;
        }

        protected override string Engine => "embedded";

        protected override ValueTask<bool> RenewCoreAsync(CancellationToken cancellationToken) =>
            _store.RenewAsync(Name, OwnerToken, _options, cancellationToken);

        protected override ValueTask ReleaseCoreAsync(CancellationToken cancellationToken) =>
            _store.ReleaseAsync(Name, OwnerToken, cancellationToken);
    }
}
