using DistKit.Configuration;
using DistKit.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace DistKit.Sqlite.Configuration;

/// <summary>
/// The embedded configuration store: one SQLite file. A release is one immediate transaction, so
/// revisions are handed out and committed in order even with several processes on the file; a
/// process learns of another's releases by polling (SQLite cannot notify).
/// </summary>
public sealed partial class SqliteConfigStore : IConfigStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS config_meta (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL, draft_sequence INTEGER NOT NULL);
        INSERT OR IGNORE INTO config_meta VALUES (1, 0, 0);
        CREATE TABLE IF NOT EXISTS config_entries (
          ns TEXT NOT NULL, key TEXT NOT NULL, type INTEGER NOT NULL, value TEXT, version INTEGER NOT NULL, revision INTEGER NOT NULL,
          author TEXT NOT NULL, updated INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS config_entries_by_revision ON config_entries (ns, revision);
        CREATE TABLE IF NOT EXISTS config_history (
          ns TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL, revision INTEGER NOT NULL, type INTEGER NOT NULL, value TEXT,
          PRIMARY KEY (ns, key, version)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS config_history_by_revision ON config_history (revision);
        CREATE INDEX IF NOT EXISTS config_history_by_ns_revision ON config_history (ns, revision);
        CREATE TABLE IF NOT EXISTS config_releases (
          revision INTEGER PRIMARY KEY, ns TEXT NOT NULL, kind INTEGER NOT NULL, author TEXT NOT NULL, message TEXT NOT NULL, time INTEGER NOT NULL,
          changes TEXT, target TEXT);
        CREATE INDEX IF NOT EXISTS config_releases_by_ns ON config_releases (ns, revision);
        CREATE TABLE IF NOT EXISTS config_drafts (
          ns TEXT NOT NULL, key TEXT NOT NULL, type INTEGER NOT NULL, value TEXT, expected INTEGER, author TEXT NOT NULL,
          sequence INTEGER NOT NULL, staged INTEGER NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS config_schemas (ns TEXT NOT NULL, key TEXT NOT NULL, schema TEXT NOT NULL, PRIMARY KEY (ns, key)) WITHOUT ROWID;
        """;

    private const string HistoryColumns = "h.ns, h.key, h.version, h.revision, h.type, h.value, r.author, r.message, r.time";
    private const string HistoryJoin = "config_history h JOIN config_releases r ON r.revision = h.revision";

    private readonly SqliteFile _file;

    /// <summary>Uses (and creates) the SQLite file at <paramref name="path"/>.</summary>
    public SqliteConfigStore(string path) => _file = new SqliteFile(path, Schema);

    /// <inheritdoc />
    public string Engine => "embedded";

    /// <inheritdoc />
    public ValueTask<ConfigRelease> PublishAsync(ReleaseRequest release, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(() => PublishCoreAsync(release, cancellationToken));

    private async ValueTask<ConfigRelease> PublishCoreAsync(ReleaseRequest release, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(release);
        var ns = release.Namespace;
        await using var connection = await _file.OpenAsync(cancellationToken);
        // Immediate: the write lock first, so the checks below still hold at commit.
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (release.BasedOn is { } basedOn)
        {
            var moved = await connection.ScalarAsync(transaction, "SELECT COALESCE(MAX(revision), 0) FROM config_entries WHERE ns = $ns", cancellationToken, ("$ns", ns));
            if (moved > basedOn)
            {
                throw new ConfigConflictException(ns, null, basedOn, moved);
            }
        }

        if (!release.Kind.WritesKeys())
        {
            return await RecordOnlyAsync(connection, transaction, release, cancellationToken);
        }

        var current = new Dictionary<string, (long Version, bool Live)>(StringComparer.Ordinal);
        foreach (var change in release.Changes)
        {
            await using var read = connection.Command(transaction, "SELECT version, value IS NOT NULL FROM config_entries WHERE ns = $ns AND key = $key", ("$ns", ns), ("$key", change.Key));
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            var (version, live) = await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetBoolean(1)) : (0L, false);
            ConfigStoreRules.Check(ns, change, version, live);
            current[change.Key] = (version, live);
        }

        var revision = await connection.ScalarAsync(transaction, "UPDATE config_meta SET revision = revision + 1 RETURNING revision", cancellationToken);
        var time = release.Time.ToUnixTimeMilliseconds();
        await connection.ExecuteAsync(transaction,
            "INSERT INTO config_releases (revision, ns, kind, author, message, time) VALUES ($rev, $ns, $kind, $author, $message, $time)", cancellationToken,
            ("$rev", revision), ("$ns", ns), ("$kind", (int)release.Kind), ("$author", release.Author), ("$message", release.Message), ("$time", time));
        var written = new List<KeyVersion>(release.Changes.Count);
        foreach (var change in release.Changes)
        {
            var version = current[change.Key].Version + 1;
            (string, object?)[] row = [("$ns", ns), ("$key", change.Key), ("$version", version), ("$rev", revision), ("$type", (int)change.Type), ("$value", change.Value), ("$author", release.Author), ("$time", time)];
            await connection.ExecuteAsync(transaction, """
                INSERT INTO config_entries (ns, key, type, value, version, revision, author, updated) VALUES ($ns, $key, $type, $value, $version, $rev, $author, $time)
                ON CONFLICT (ns, key) DO UPDATE SET type = excluded.type, value = excluded.value, version = excluded.version,
                  revision = excluded.revision, author = excluded.author, updated = excluded.updated
                """, cancellationToken, row);
            await connection.ExecuteAsync(transaction,
                "INSERT INTO config_history (ns, key, version, revision, type, value) VALUES ($ns, $key, $version, $rev, $type, $value)", cancellationToken, row);
            written.Add(new KeyVersion(ns, change.Key, version, revision, change.Type, change.Value, release.Author, release.Message, DateTimeOffset.FromUnixTimeMilliseconds(time)));
        }

        if (release.ConsumesDraftsUpTo is { } upTo)
        {
            await connection.ExecuteAsync(transaction, "DELETE FROM config_drafts WHERE ns = $ns AND sequence <= $upTo", cancellationToken, ("$ns", ns), ("$upTo", upTo));
        }

        await transaction.CommitAsync(cancellationToken);
        return new ConfigRelease(revision, ns, release.Kind, release.Author, release.Message, DateTimeOffset.FromUnixTimeMilliseconds(time), written);
    }

    // A gray release and its end: the release row with its changes and target; no key is touched.
    private static async ValueTask<ConfigRelease> RecordOnlyAsync(SqliteConnection connection, SqliteTransaction transaction, ReleaseRequest release, CancellationToken cancellationToken)
    {
        await using (var latest = connection.Command(transaction,
            "SELECT kind, revision FROM config_releases WHERE ns = $ns AND kind IN (2, 3, 4) ORDER BY revision DESC LIMIT 1", ("$ns", release.Namespace)))
        await using (var reader = await latest.ExecuteReaderAsync(cancellationToken))
        {
            var found = await reader.ReadAsync(cancellationToken);
            ConfigStoreRules.CheckOneGray(release.Namespace, release.Kind, found ? (ReleaseKind)reader.GetInt32(0) : null, found ? reader.GetInt64(1) : 0);
        }

        var revision = await connection.ScalarAsync(transaction, "UPDATE config_meta SET revision = revision + 1 RETURNING revision", cancellationToken);
        var time = release.Time.ToUnixTimeMilliseconds();
        var changes = ReleaseRecords.ChangesJson(release.Changes);
        await connection.ExecuteAsync(transaction,
            "INSERT INTO config_releases (revision, ns, kind, author, message, time, changes, target) VALUES ($rev, $ns, $kind, $author, $message, $time, $changes, $target)", cancellationToken,
            ("$rev", revision), ("$ns", release.Namespace), ("$kind", (int)release.Kind), ("$author", release.Author), ("$message", release.Message), ("$time", time),
            ("$changes", changes), ("$target", ReleaseRecords.TargetJson(release.Target)));
        await transaction.CommitAsync(cancellationToken);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(time);
        return new ConfigRelease(revision, release.Namespace, release.Kind, release.Author, release.Message, at,
            ReleaseRecords.Changes(changes, release.Namespace, revision, release.Author, release.Message, at), release.Target);
    }

    /// <inheritdoc />
    public ValueTask<ConfigSnapshot> ReadAsync(string ns, string? prefix = null, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            // One read transaction: the revision and the entries come from the same snapshot of the file.
            await using var transaction = connection.BeginTransaction(deferred: true);
            var revision = await connection.ScalarAsync(transaction, "SELECT revision FROM config_meta", cancellationToken);
            await using var command = connection.Command(transaction, """
                SELECT ns, key, type, value, version, revision, author, updated FROM config_entries
                WHERE ns = $ns AND value IS NOT NULL AND ($prefix IS NULL OR substr(key, 1, length($prefix)) = $prefix) ORDER BY key
                """, ("$ns", ns), ("$prefix", prefix));
            var entries = await EntriesAsync(command, cancellationToken);
            return new ConfigSnapshot(ns, revision, entries);
        });

    /// <inheritdoc />
    public ValueTask<ConfigEntry?> GetAsync(string ns, string key, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            await using var command = connection.Command(null,
                "SELECT ns, key, type, value, version, revision, author, updated FROM config_entries WHERE ns = $ns AND key = $key AND value IS NOT NULL",
                ("$ns", ns), ("$key", key));
            var entries = await EntriesAsync(command, cancellationToken);
            return entries.Count == 0 ? null : entries[0];
        });

    /// <inheritdoc />
    public ValueTask<long> VersionOfAsync(string ns, string key, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            return await connection.ScalarAsync(null, "SELECT version FROM config_entries WHERE ns = $ns AND key = $key", cancellationToken, ("$ns", ns), ("$key", key));
        });

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyVersion>> HistoryAsync(string ns, string key, int limit, long? beforeVersion = null, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            await using var command = connection.Command(null,
                $"SELECT {HistoryColumns} FROM {HistoryJoin} WHERE h.ns = $ns AND h.key = $key AND ($before IS NULL OR h.version < $before) ORDER BY h.version DESC LIMIT $limit",
                ("$ns", ns), ("$key", key), ("$before", beforeVersion), ("$limit", limit));
            return await VersionsAsync(command, cancellationToken);
        });

    /// <inheritdoc />
    public ValueTask<KeyVersion?> VersionAsync(string ns, string key, long version, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            await using var command = connection.Command(null,
                $"SELECT {HistoryColumns} FROM {HistoryJoin} WHERE h.ns = $ns AND h.key = $key AND h.version = $version",
                ("$ns", ns), ("$key", key), ("$version", version));
            var versions = await VersionsAsync(command, cancellationToken);
            return versions.Count == 0 ? null : versions[0];
        });

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<KeyVersion>> StateAtAsync(string ns, long revision, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            await using var command = connection.Command(null, $"""
                SELECT {HistoryColumns} FROM {HistoryJoin}
                WHERE h.ns = $ns AND h.version = (SELECT MAX(o.version) FROM config_history o WHERE o.ns = h.ns AND o.key = h.key AND o.revision <= $rev)
                ORDER BY h.key
                """, ("$ns", ns), ("$rev", revision));
            return await VersionsAsync(command, cancellationToken);
        });

    /// <inheritdoc />
    public ValueTask<long> RevisionAsync(CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            return await connection.ScalarAsync(null, "SELECT revision FROM config_meta", cancellationToken);
        });

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> NamespacesAsync(CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy<IReadOnlyList<string>>(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            await using var command = connection.Command(null,
                "SELECT ns FROM config_entries WHERE value IS NOT NULL UNION SELECT ns FROM config_drafts UNION SELECT ns FROM config_schemas ORDER BY 1");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var names = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }

            return names;
        });

    /// <inheritdoc />
    public async IAsyncEnumerable<long> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // SQLite cannot tell another process of a commit; the center's poll reads new releases.
        await Task.CompletedTask;
        yield break;
    }

    private static async Task<IReadOnlyList<ConfigEntry>> EntriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<ConfigEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new ConfigEntry(
                reader.GetString(0), reader.GetString(1), (ConfigValueType)reader.GetInt32(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5),
                reader.GetString(6), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        }

        return entries;
    }

    private static async Task<IReadOnlyList<KeyVersion>> VersionsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<KeyVersion>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(new KeyVersion(
                reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), (ConfigValueType)reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetString(6), reader.GetString(7), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8))));
        }

        return versions;
    }
}
