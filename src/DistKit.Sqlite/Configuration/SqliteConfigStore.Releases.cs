using DistKit.Configuration;
using DistKit.Sqlite.Internal;
using Microsoft.Data.Sqlite;

namespace DistKit.Sqlite.Configuration;

public sealed partial class SqliteConfigStore
{
    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConfigRelease>> ReleasesAfterAsync(long revision, string? ns, int limit, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: true);
            await using var command = connection.Command(transaction,
                "SELECT revision, ns, kind, author, message, time, changes, target FROM config_releases WHERE revision > $rev AND ($ns IS NULL OR ns = $ns) ORDER BY revision LIMIT $limit",
                ("$rev", revision), ("$ns", ns), ("$limit", limit));
            return await WithChangesAsync(connection, transaction, command, ns, cancellationToken);
        });

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConfigRelease>> ReleasesAsync(string ns, int limit, long? beforeRevision = null, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: true);
            await using var command = connection.Command(transaction,
                "SELECT revision, ns, kind, author, message, time, changes, target FROM config_releases WHERE ns = $ns AND ($before IS NULL OR revision < $before) ORDER BY revision DESC LIMIT $limit",
                ("$ns", ns), ("$before", beforeRevision), ("$limit", limit));
            return await WithChangesAsync(connection, transaction, command, ns, cancellationToken);
        });

    // The releases the command selects, each with the versions it wrote, in the command's order.
    private static async Task<IReadOnlyList<ConfigRelease>> WithChangesAsync(SqliteConnection connection, SqliteTransaction transaction, SqliteCommand command, string? ns, CancellationToken cancellationToken)
    {
        var heads = new List<(long Revision, string Ns, ReleaseKind Kind, string Author, string Message, DateTimeOffset Time, string? Changes, string? Target)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                heads.Add((reader.GetInt64(0), reader.GetString(1), (ReleaseKind)reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
            }
        }

        if (heads.Count == 0)
        {
            return [];
        }

        var changes = heads.ToDictionary(h => h.Revision, _ => new List<KeyVersion>());
        await using (var rows = connection.Command(transaction,
            "SELECT ns, key, version, revision, type, value FROM config_history WHERE revision BETWEEN $low AND $high AND ($ns IS NULL OR ns = $ns) ORDER BY revision, key",
            ("$low", heads.Min(h => h.Revision)), ("$high", heads.Max(h => h.Revision)), ("$ns", ns)))
        await using (var reader = await rows.ExecuteReaderAsync(cancellationToken))
        {
            var byRevision = heads.ToDictionary(h => h.Revision);
            while (await reader.ReadAsync(cancellationToken))
            {
                var revision = reader.GetInt64(3);
                if (!byRevision.TryGetValue(revision, out var head))
                {
                    continue; // another namespace's release inside the range
                }

                changes[revision].Add(new KeyVersion(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), revision, (ConfigValueType)reader.GetInt32(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), head.Author, head.Message, head.Time));
            }
        }

        return [.. heads.Select(h => new ConfigRelease(h.Revision, h.Ns, h.Kind, h.Author, h.Message, h.Time,
            h.Changes is { } recorded ? ReleaseRecords.Changes(recorded, h.Ns, h.Revision, h.Author, h.Message, h.Time) : changes[h.Revision],
            ReleaseRecords.Target(h.Target)))];
    }

    /// <inheritdoc />
    public ValueTask<ConfigRelease?> GrayAtAsync(string ns, long revision, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: true);
            await using var command = connection.Command(transaction,
                "SELECT revision, ns, kind, author, message, time, changes, target FROM config_releases WHERE ns = $ns AND kind IN (2, 3, 4) AND revision <= $rev ORDER BY revision DESC LIMIT 1",
                ("$ns", ns), ("$rev", revision));
            var found = await WithChangesAsync(connection, transaction, command, ns, cancellationToken);
            return found.Count == 0 ? null : found[0];
        });

    /// <inheritdoc />
    public ValueTask<ConfigDraft> StageAsync(string ns, ConfigChange change, string author, DateTimeOffset time, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            ArgumentNullException.ThrowIfNull(change);
            await using var connection = await _file.OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var sequence = await connection.ScalarAsync(transaction, "UPDATE config_meta SET draft_sequence = draft_sequence + 1 RETURNING draft_sequence", cancellationToken);
            await connection.ExecuteAsync(transaction, """
                INSERT OR REPLACE INTO config_drafts (ns, key, type, value, expected, author, sequence, staged)
                VALUES ($ns, $key, $type, $value, $expected, $author, $sequence, $staged)
                """, cancellationToken,
                ("$ns", ns), ("$key", change.Key), ("$type", (int)change.Type), ("$value", change.Value), ("$expected", change.ExpectedVersion),
                ("$author", author), ("$sequence", sequence), ("$staged", time.ToUnixTimeMilliseconds()));
            await transaction.CommitAsync(cancellationToken);
            return new ConfigDraft(ns, change, author, sequence, DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds()));
        });

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConfigDraft>> DraftsAsync(string ns, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy<IReadOnlyList<ConfigDraft>>(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            await using var command = connection.Command(null,
                "SELECT key, type, value, expected, author, sequence, staged FROM config_drafts WHERE ns = $ns ORDER BY key", ("$ns", ns));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var drafts = new List<ConfigDraft>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var change = new ConfigChange(reader.GetString(0), (ConfigValueType)reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt64(3));
                drafts.Add(new ConfigDraft(ns, change, reader.GetString(4), reader.GetInt64(5), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
            }

            return drafts;
        });

    /// <inheritdoc />
    public ValueTask<int> DiscardDraftsAsync(string ns, string? key = null, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            return await connection.ExecuteAsync(null, "DELETE FROM config_drafts WHERE ns = $ns AND ($key IS NULL OR key = $key)", cancellationToken, ("$ns", ns), ("$key", key));
        });

    /// <inheritdoc />
    public async ValueTask SetSchemaAsync(string ns, string? key, string? schema, CancellationToken cancellationToken = default) =>
        await SqliteErrors.TransientWhenBusy(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            return await connection.ExecuteAsync(null,
                schema is null ? "DELETE FROM config_schemas WHERE ns = $ns AND key = $key" : "INSERT OR REPLACE INTO config_schemas (ns, key, schema) VALUES ($ns, $key, $schema)",
                cancellationToken, ("$ns", ns), ("$key", key ?? ""), ("$schema", schema));
        });

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> SchemasAsync(string ns, CancellationToken cancellationToken = default) =>
        SqliteErrors.TransientWhenBusy<IReadOnlyDictionary<string, string>>(async () =>
        {
            await using var connection = await _file.OpenAsync(cancellationToken);
            await using var command = connection.Command(null, "SELECT key, schema FROM config_schemas WHERE ns = $ns", ("$ns", ns));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var schemas = new Dictionary<string, string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                schemas[reader.GetString(0)] = reader.GetString(1);
            }

            return schemas;
        });
}
