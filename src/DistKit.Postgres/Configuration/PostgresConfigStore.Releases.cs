using DistKit.Configuration;

namespace DistKit.Postgres.Configuration;

public sealed partial class PostgresConfigStore
{
    private const string ReleaseColumns = "revision, ns, kind, author, message, time, changes, target";

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConfigRelease>> ReleasesAfterAsync(long revision, string? ns, int limit, CancellationToken cancellationToken = default) =>
        ReleasesWhereAsync($"SELECT {ReleaseColumns} FROM distkit_config_releases WHERE revision > $1 AND ($2::text IS NULL OR ns = $2::text) ORDER BY revision LIMIT $3",
            newestFirst: false, cancellationToken, revision, ns, limit);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConfigRelease>> ReleasesAsync(string ns, int limit, long? beforeRevision = null, CancellationToken cancellationToken = default) =>
        ReleasesWhereAsync($"SELECT {ReleaseColumns} FROM distkit_config_releases WHERE ns = $1 AND ($2::bigint IS NULL OR revision < $2::bigint) ORDER BY revision DESC LIMIT $3",
            newestFirst: true, cancellationToken, ns, beforeRevision, limit);

    // The releases the query selects, each with the versions it wrote, read in one snapshot.
    private ValueTask<IReadOnlyList<ConfigRelease>> ReleasesWhereAsync(string sql, bool newestFirst, CancellationToken cancellationToken, params object?[] values) =>
        RunAsync<IReadOnlyList<ConfigRelease>>(async () =>
        {
            await using var command = dataSource.CreateCommand($"""
                WITH picked AS ({sql})
                SELECT p.revision, p.ns, p.kind, p.author, p.message, p.time, h.key, h.version, h.type, h.value, p.changes, p.target
                FROM picked p LEFT JOIN distkit_config_history h ON h.revision = p.revision
                ORDER BY p.revision, h.key COLLATE "C"
                """);
            Add(command.Parameters, values);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var releases = new List<(long Revision, string Ns, ReleaseKind Kind, string Author, string Message, DateTimeOffset Time, List<KeyVersion> Changes, string? Recorded, string? Target)>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var revision = reader.GetInt64(0);
                if (releases.Count == 0 || releases[^1].Revision != revision)
                {
                    releases.Add((revision, reader.GetString(1), (ReleaseKind)reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), [], reader.IsDBNull(10) ? null : reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11)));
                }

                var head = releases[^1];
                if (!reader.IsDBNull(6))
                {
                    head.Changes.Add(new KeyVersion(head.Ns, reader.GetString(6), reader.GetInt64(7), revision, (ConfigValueType)reader.GetInt32(8),
                        reader.IsDBNull(9) ? null : reader.GetString(9), head.Author, head.Message, head.Time));
                }
            }

            // The query sorts ascending for grouping; a newest-first listing is turned back.
            IEnumerable<ConfigRelease> ordered = releases.Select(r => new ConfigRelease(r.Revision, r.Ns, r.Kind, r.Author, r.Message, r.Time,
                r.Recorded is { } recorded ? ReleaseRecords.Changes(recorded, r.Ns, r.Revision, r.Author, r.Message, r.Time) : r.Changes, ReleaseRecords.Target(r.Target)));
            return newestFirst ? [.. ordered.Reverse()] : [.. ordered];
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<ConfigRelease?> GrayAtAsync(string ns, long revision, CancellationToken cancellationToken = default)
    {
        var found = await ReleasesWhereAsync($"SELECT {ReleaseColumns} FROM distkit_config_releases WHERE ns = $1 AND kind IN (2, 3, 4) AND revision <= $2 ORDER BY revision DESC LIMIT 1",
            newestFirst: true, cancellationToken, ns, revision);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc />
    public ValueTask<ConfigDraft> StageAsync(string ns, ConfigChange change, string author, DateTimeOffset time, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            ArgumentNullException.ThrowIfNull(change);
            var staged = time.ToUnixTimeMilliseconds();
            await using var command = dataSource.CreateCommand("""
                INSERT INTO distkit_config_drafts (ns, key, type, value, expected, author, sequence, staged)
                VALUES ($1, $2, $3, $4, $5, $6, nextval('distkit_config_draft_sequence'), $7)
                ON CONFLICT (ns, key) DO UPDATE SET type = excluded.type, value = excluded.value, expected = excluded.expected,
                  author = excluded.author, sequence = excluded.sequence, staged = excluded.staged
                RETURNING sequence
                """);
            Add(command.Parameters, ns, change.Key, (int)change.Type, change.Value, change.ExpectedVersion, author, staged);
            var sequence = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            return new ConfigDraft(ns, change, author, sequence, DateTimeOffset.FromUnixTimeMilliseconds(staged));
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ConfigDraft>> DraftsAsync(string ns, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<ConfigDraft>>(async () =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT key, type, value, expected, author, sequence, staged FROM distkit_config_drafts WHERE ns = $1 ORDER BY key COLLATE \"C\"");
            Add(command.Parameters, ns);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var drafts = new List<ConfigDraft>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var change = new ConfigChange(reader.GetString(0), (ConfigValueType)reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetInt64(3));
                drafts.Add(new ConfigDraft(ns, change, reader.GetString(4), reader.GetInt64(5), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6))));
            }

            return drafts;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<int> DiscardDraftsAsync(string ns, string? key = null, CancellationToken cancellationToken = default) =>
        RunAsync(async () =>
        {
            await using var command = dataSource.CreateCommand("DELETE FROM distkit_config_drafts WHERE ns = $1 AND ($2::text IS NULL OR key = $2::text)");
            Add(command.Parameters, ns, key);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask SetSchemaAsync(string ns, string? key, string? schema, CancellationToken cancellationToken = default) =>
        await RunAsync(async () =>
        {
            await using var command = dataSource.CreateCommand(schema is null
                ? "DELETE FROM distkit_config_schemas WHERE ns = $1 AND key = $2"
                : "INSERT INTO distkit_config_schemas (ns, key, schema) VALUES ($1, $2, $3) ON CONFLICT (ns, key) DO UPDATE SET schema = excluded.schema");
            if (schema is null)
            {
                Add(command.Parameters, ns, key ?? "");
            }
            else
            {
                Add(command.Parameters, ns, key ?? "", schema);
            }

            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyDictionary<string, string>> SchemasAsync(string ns, CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyDictionary<string, string>>(async () =>
        {
            await using var command = dataSource.CreateCommand("SELECT key, schema FROM distkit_config_schemas WHERE ns = $1");
            Add(command.Parameters, ns);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var schemas = new Dictionary<string, string>(StringComparer.Ordinal);
            while (await reader.ReadAsync(cancellationToken))
            {
                schemas[reader.GetString(0)] = reader.GetString(1);
            }

            return schemas;
        }, cancellationToken);
}
