using System.Globalization;
using System.Runtime.CompilerServices;
using DistKit.Configuration;
using DistKit.Postgres.Internal;
using Npgsql;

namespace DistKit.Postgres.Configuration;

/// <summary>
/// Configuration in PostgreSQL: current values, an append-only history table and a table of
/// releases. A release takes its revision by updating one counter row, whose lock every other
/// release waits for, so revisions commit in order; it sends <c>NOTIFY distkit_config</c> in the
/// same transaction, so every node on the database hears of it when it commits.
/// </summary>
/// <param name="dataSource">A pooled data source; not owned.</param>
public sealed partial class PostgresConfigStore(NpgsqlDataSource dataSource) : IConfigStore
{
    /// <summary>The channel releases are announced on (the payload is the revision).</summary>
    public const string Channel = "distkit_config";

    private const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS distkit_config_meta (id int PRIMARY KEY CHECK (id = 1), revision bigint NOT NULL);
        INSERT INTO distkit_config_meta VALUES (1, 0) ON CONFLICT DO NOTHING;
        CREATE TABLE IF NOT EXISTS distkit_config_entries (
          ns text NOT NULL, key text NOT NULL, type int NOT NULL, value text, version bigint NOT NULL, revision bigint NOT NULL,
          author text NOT NULL, updated bigint NOT NULL, PRIMARY KEY (ns, key));
        CREATE INDEX IF NOT EXISTS distkit_config_entries_by_revision ON distkit_config_entries (ns, revision);
        CREATE TABLE IF NOT EXISTS distkit_config_history (
          ns text NOT NULL, key text NOT NULL, version bigint NOT NULL, revision bigint NOT NULL, type int NOT NULL, value text,
          PRIMARY KEY (ns, key, version));
        CREATE INDEX IF NOT EXISTS distkit_config_history_by_revision ON distkit_config_history (revision);
        CREATE TABLE IF NOT EXISTS distkit_config_releases (
          revision bigint PRIMARY KEY, ns text NOT NULL, kind int NOT NULL, author text NOT NULL, message text NOT NULL, time bigint NOT NULL,
          changes text, target text);
        CREATE INDEX IF NOT EXISTS distkit_config_releases_by_ns ON distkit_config_releases (ns, revision);
        CREATE TABLE IF NOT EXISTS distkit_config_drafts (
          ns text NOT NULL, key text NOT NULL, type int NOT NULL, value text, expected bigint, author text NOT NULL,
          sequence bigint NOT NULL, staged bigint NOT NULL, PRIMARY KEY (ns, key));
        CREATE SEQUENCE IF NOT EXISTS distkit_config_draft_sequence;
        CREATE TABLE IF NOT EXISTS distkit_config_schemas (ns text NOT NULL, key text NOT NULL, schema text NOT NULL, PRIMARY KEY (ns, key));
        """;

    private const string HistoryColumns = "h.ns, h.key, h.version, h.revision, h.type, h.value, r.author, r.message, r.time";
    private const string HistoryJoin = "distkit_config_history h JOIN distkit_config_releases r ON r.revision = h.revision";
    private const string EntryColumns = "ns, key, type, value, version, revision, author, updated";

    private volatile bool _created;

    /// <inheritdoc />
    public string Engine => "postgres";

    /// <inheritdoc />
    public ValueTask<ConfigRelease> PublishAsync(ReleaseRequest release, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(release);
            var ns = release.Namespace;
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The counter row's lock is held to commit: releases queue here, and every statement
            // after it (read committed) sees the release before this one.
            var revision = await ScalarAsync(connection, "UPDATE distkit_config_meta SET revision = revision + 1 RETURNING revision", cancellationToken);
            if (release.BasedOn is { } basedOn)
            {
                var moved = await ScalarAsync(connection, "SELECT COALESCE(MAX(revision), 0) FROM distkit_config_entries WHERE ns = $1", cancellationToken, ns);
                if (moved > basedOn)
                {
                    throw new ConfigConflictException(ns, null, basedOn, moved);
                }
            }

            if (!release.Kind.WritesKeys())
            {
                return await RecordOnlyAsync(connection, transaction, release, revision, cancellationToken);
            }

            var versions = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var change in release.Changes)
            {
                await using var read = Command(connection, "SELECT version, value IS NOT NULL FROM distkit_config_entries WHERE ns = $1 AND key = $2", ns, change.Key);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                var (version, live) = await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetBoolean(1)) : (0L, false);
                ConfigStoreRules.Check(ns, change, version, live);
                versions[change.Key] = version;
            }

            var time = release.Time.ToUnixTimeMilliseconds();
            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(BatchCommand("INSERT INTO distkit_config_releases (revision, ns, kind, author, message, time) VALUES ($1, $2, $3, $4, $5, $6)",
                revision, ns, (int)release.Kind, release.Author, release.Message, time));
            var written = new List<KeyVersion>(release.Changes.Count);
            foreach (var change in release.Changes)
            {
                var version = versions[change.Key] + 1;
                batch.BatchCommands.Add(BatchCommand("""
                    INSERT INTO distkit_config_entries (ns, key, type, value, version, revision, author, updated) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    ON CONFLICT (ns, key) DO UPDATE SET type = excluded.type, value = excluded.value, version = excluded.version,
                      revision = excluded.revision, author = excluded.author, updated = excluded.updated
                    """, ns, change.Key, (int)change.Type, change.Value, version, revision, release.Author, time));
                batch.BatchCommands.Add(BatchCommand("INSERT INTO distkit_config_history (ns, key, version, revision, type, value) VALUES ($1, $2, $3, $4, $5, $6)",
                    ns, change.Key, version, revision, (int)change.Type, change.Value));
                written.Add(new KeyVersion(ns, change.Key, version, revision, change.Type, change.Value, release.Author, release.Message, DateTimeOffset.FromUnixTimeMilliseconds(time)));
            }

            if (release.ConsumesDraftsUpTo is { } upTo)
            {
                batch.BatchCommands.Add(BatchCommand("DELETE FROM distkit_config_drafts WHERE ns = $1 AND sequence <= $2", ns, upTo));
            }

            batch.BatchCommands.Add(Notifications.Notify(Channel, revision.ToString(CultureInfo.InvariantCulture)));
            await batch.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new ConfigRelease(revision, ns, release.Kind, release.Author, release.Message, DateTimeOffset.FromUnixTimeMilliseconds(time), written);
        }, cancellationToken);

    // A gray release and its end: the release row with its changes and target; no key is touched.
    private static async Task<ConfigRelease> RecordOnlyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ReleaseRequest release, long revision, CancellationToken cancellationToken)
    {
        // Under the counter row's lock: no other gray can start or end between this look and the commit.
        await using (var latest = Command(connection, "SELECT kind, revision FROM distkit_config_releases WHERE ns = $1 AND kind IN (2, 3, 4) ORDER BY revision DESC LIMIT 1", release.Namespace))
        await using (var reader = await latest.ExecuteReaderAsync(cancellationToken))
        {
            var found = await reader.ReadAsync(cancellationToken);
            ConfigStoreRules.CheckOneGray(release.Namespace, release.Kind, found ? (ReleaseKind)reader.GetInt32(0) : null, found ? reader.GetInt64(1) : 0);
        }

        var time = release.Time.ToUnixTimeMilliseconds();
        var changes = ReleaseRecords.ChangesJson(release.Changes);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(BatchCommand("INSERT INTO distkit_config_releases (revision, ns, kind, author, message, time, changes, target) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            revision, release.Namespace, (int)release.Kind, release.Author, release.Message, time, changes, ReleaseRecords.TargetJson(release.Target)));
        batch.BatchCommands.Add(Notifications.Notify(Channel, revision.ToString(CultureInfo.InvariantCulture)));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(time);
        return new ConfigRelease(revision, release.Namespace, release.Kind, release.Author, release.Message, at,
            ReleaseRecords.Changes(changes, release.Namespace, revision, release.Author, release.Message, at), release.Target);
    }

    /// <inheritdoc />
    public ValueTask<ConfigSnapshot> ReadAsync(string ns, string? prefix = null, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            // One statement, one snapshot: the revision and the entries agree.
            await using var command = dataSource.CreateCommand($"""
                SELECT m.revision, e.* FROM distkit_config_meta m LEFT JOIN LATERAL (
                  SELECT {EntryColumns} FROM distkit_config_entries
                  WHERE ns = $1 AND value IS NOT NULL AND ($2::text IS NULL OR starts_with(key, $2::text))) e ON true
                ORDER BY e.key COLLATE "C"
                """);
            Add(command.Parameters, ns, prefix);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            long revision = 0;
            var entries = new List<ConfigEntry>();
            while (await reader.ReadAsync(cancellationToken))
            {
                revision = reader.GetInt64(0);
                if (!reader.IsDBNull(1))
                {
                    entries.Add(Entry(reader, 1));
                }
            }

            return new ConfigSnapshot(ns, revision, entries);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<ConfigEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            await using var command = dataSource.CreateCommand($"SELECT {EntryColumns} FROM distkit_config_entries WHERE ns = $1 AND key = $2 AND value IS NOT NULL");
            Add(command.Parameters, ns, key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? Entry(reader, 0) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<long> VersionOfAsync(string ns, string key, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await ScalarAsync(connection, "SELECT version FROM distkit_config_entries WHERE ns = $1 AND key = $2", cancellationToken, ns, key);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyVersion>> HistoryAsync(string ns, string key, int limit, long? beforeVersion = null, CancellationToken cancellationToken = default) =>
        VersionsAsync($"SELECT {HistoryColumns} FROM {HistoryJoin} WHERE h.ns = $1 AND h.key = $2 AND ($3::bigint IS NULL OR h.version < $3::bigint) ORDER BY h.version DESC LIMIT $4",
            cancellationToken, ns, key, beforeVersion, limit);

    /// <inheritdoc />
    public async ValueTask<KeyVersion?> VersionAsync(string ns, string key, long version, CancellationToken cancellationToken = default)
    {
        var found = await VersionsAsync($"SELECT {HistoryColumns} FROM {HistoryJoin} WHERE h.ns = $1 AND h.key = $2 AND h.version = $3", cancellationToken, ns, key, version);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyVersion>> StateAtAsync(string ns, long revision, CancellationToken cancellationToken = default) =>
        VersionsAsync($"""
            SELECT DISTINCT ON (h.key) {HistoryColumns} FROM {HistoryJoin}
            WHERE h.ns = $1 AND h.revision <= $2 ORDER BY h.key, h.version DESC
            """, cancellationToken, ns, revision);

    /// <inheritdoc />
    public ValueTask<long> RevisionAsync(CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await ScalarAsync(connection, "SELECT revision FROM distkit_config_meta", cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> NamespacesAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<string>>(async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT ns FROM distkit_config_entries WHERE value IS NOT NULL UNION SELECT ns FROM distkit_config_drafts UNION SELECT ns FROM distkit_config_schemas ORDER BY 1 COLLATE \"C\"");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var names = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }, cancellationToken);

    /// <inheritdoc />
    public async IAsyncEnumerable<long> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await RunAsync(() => ValueTask.FromResult(true), cancellationToken);
        await foreach (var payload in Notifications.ListenAsync(dataSource, Channel, cancellationToken))
        {
            yield return payload is not null && long.TryParse(payload, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;
        }
    }

    private async ValueTask<IReadOnlyList<KeyVersion>> VersionsAsync(string sql, CancellationToken cancellationToken, params object?[] values) =>
        await RunAsync<IReadOnlyList<KeyVersion>>(async () =>
        {
            await using var command = dataSource.CreateCommand(sql);
            Add(command.Parameters, values);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var versions = new List<KeyVersion>();
            while (await reader.ReadAsync(cancellationToken))
            {
                versions.Add(Version(reader, 0));
            }

            return versions;
        }, cancellationToken);

    private static ConfigEntry Entry(NpgsqlDataReader reader, int at) => new(
        reader.GetString(at), reader.GetString(at + 1), (ConfigValueType)reader.GetInt32(at + 2), reader.GetString(at + 3), reader.GetInt64(at + 4),
        reader.GetInt64(at + 5), reader.GetString(at + 6), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(at + 7)));

    private static KeyVersion Version(NpgsqlDataReader reader, int at) => new(
        reader.GetString(at), reader.GetString(at + 1), reader.GetInt64(at + 2), reader.GetInt64(at + 3), (ConfigValueType)reader.GetInt32(at + 4),
        reader.IsDBNull(at + 5) ? null : reader.GetString(at + 5), reader.GetString(at + 6), reader.GetString(at + 7), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(at + 8)));

    // Creates the tables on first use, and turns an outage into the exception callers expect.
    private async ValueTask<T> RunAsync<T>(Func<ValueTask<T>> step, CancellationToken cancellationToken)
    {
        try
        {
            if (!_created)
            {
                await using var create = dataSource.CreateCommand(CreateSchema);
                await Schema.EnsureAsync(create, cancellationToken);
                _created = true;
            }

            return await step();
        }
        catch (Exception e) when (PostgresErrors.IsOutage(e))
        {
            throw PostgresErrors.Unavailable(e);
        }
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        Add(command.Parameters, values);
        return command;
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        Add(command.Parameters, values);
        return command;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] values)
    {
        await using var command = Command(connection, sql, values);
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : 0;
    }

    private static void Add(NpgsqlParameterCollection parameters, params object?[] values)
    {
        foreach (var value in values)
        {
            parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
    }
}
