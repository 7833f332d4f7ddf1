using System.Text.RegularExpressions;
using DistKit.Search;
using DistKit.Search.Engine;

namespace DistKit.Lucene;

/// <summary>
/// The embedded search engine: every index a directory under <see cref="DataDirectory"/> (its
/// definition, and per shard a Lucene index and a write-ahead log), opened at start with the log
/// replayed. Thread-safe; dispose to commit every shard.
/// </summary>
public sealed partial class LuceneSearchEngine : ISearchEngine, IDisposable
{
    // Index names cannot start with '_', so no index is ever called this.
    private const string DeletedPrefix = "_deleted-";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LuceneIndex> _indices = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deleting = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private bool _disposed;

    /// <summary>Opens the indices kept under <paramref name="dataDirectory"/> (made if missing).</summary>
    public LuceneSearchEngine(string dataDirectory, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        DataDirectory = Path.GetFullPath(dataDirectory);
        _time = time ?? TimeProvider.System;
        Directory.CreateDirectory(DataDirectory);
        foreach (var directory in Directory.GetDirectories(DataDirectory))
        {
            var name = Path.GetFileName(directory);
            if (name.StartsWith(DeletedPrefix, StringComparison.Ordinal) || !File.Exists(Path.Combine(directory, "index.json")))
            {
                // A delete the last run did not finish (the index was already gone for its users),
                // or a create it did not: nothing anyone was told exists.
                Directory.Delete(directory, recursive: true);
            }
            else
            {
                try
                {
                    _indices[name] = LuceneIndex.Open(name, directory, _time);
                }
                catch
                {
                    Dispose();
                    throw;
                }
            }
        }
    }

    /// <summary>Where the indices live.</summary>
    public string DataDirectory { get; }

    /// <summary>The indices, in name order.</summary>
    public IReadOnlyList<string> Indices
    {
        get
        {
            lock (_gate)
            {
                return [.. _indices.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <inheritdoc />
    public Task CreateIndexAsync(string index, IndexDefinition definition, CancellationToken cancellationToken = default)
    {
        CheckName(index);
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        CheckAnalyzers(definition.Mappings);

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_indices.ContainsKey(index))
            {
                throw new SearchException("resource_already_exists_exception", $"index [{index}] already exists", 400);
            }

            ThrowIfDeleting(index);

            _indices[index] = LuceneIndex.Create(index, Path.Combine(DataDirectory, index), definition, _time);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeleteIndexAsync(string index, CancellationToken cancellationToken = default)
    {
        LuceneIndex found;
        lock (_gate)
        {
            if (!_indices.Remove(index, out found!))
            {
                throw NotFound(index);
            }

            _deleting.Add(index);
        }

        try
        {
            found.Crash(); // closed without a commit: its data is going

            // index.json first: from then on a crash leaves a directory the next start removes,
            // never the old index.
            File.Delete(Path.Combine(found.DirectoryPath, "index.json"));
            var tombstone = Path.Combine(DataDirectory, DeletedPrefix + Guid.NewGuid().ToString("N"));
            Directory.Move(found.DirectoryPath, tombstone);
            Directory.Delete(tombstone, recursive: true);
        }
        finally
        {
            lock (_gate)
            {
                _deleting.Remove(index);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public bool IndexExists(string index)
    {
        lock (_gate)
        {
            return _indices.ContainsKey(index);
        }
    }

    /// <inheritdoc />
    public IndexDefinition? GetIndex(string index)
    {
        lock (_gate)
        {
            return _indices.TryGetValue(index, out var found) ? found.Definition : null;
        }
    }

    /// <inheritdoc />
    public Task PutMappingsAsync(string index, IReadOnlyDictionary<string, FieldMapping> mappings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        CheckAnalyzers(mappings);
        Existing(index).PutMappings(mappings);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<WriteResult> IndexAsync(string index, string id, string source, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        CheckId(id);
        ArgumentNullException.ThrowIfNull(source);
        return Task.FromResult(OpenOrCreate(index).Write(id, source, options ?? new WriteOptions()));
    }

    /// <inheritdoc />
    public Task<StoredDocument?> GetAsync(string index, string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(Existing(index).Get(id));

    /// <inheritdoc />
    public Task<WriteResult> DeleteAsync(string index, string id, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(Existing(index).Delete(id, options ?? new WriteOptions()));

    /// <inheritdoc />
    public Task<IReadOnlyList<BulkItemResult>> BulkAsync(IReadOnlyList<BulkOperation> operations, RefreshPolicy refresh = RefreshPolicy.None, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var results = new BulkItemResult[operations.Count];
        var work = new Dictionary<LuceneIndex, List<(BulkOperation Operation, string Id, int Position)>>();
        for (var i = 0; i < operations.Count; i++)
        {
            var operation = operations[i];
            var id = operation.Id ?? (operation is BulkIndex ? NewId() : "");
            try
            {
                CheckId(id);
                var index = operation is BulkIndex ? OpenOrCreate(operation.Index) : Existing(operation.Index);
                if (!work.TryGetValue(index, out var list))
                {
                    work[index] = list = [];
                }

                list.Add((operation, id, i));
            }
            catch (SearchException e)
            {
                results[i] = new BulkItemResult(operation.Action, operation.Index, id, e.Status, null, e);
            }
        }

        foreach (var (index, list) in work)
        {
            var done = index.Bulk([.. list.Select(o => (o.Operation, o.Id))], refresh);
            for (var i = 0; i < list.Count; i++)
            {
                var (operation, id, position) = list[i];
                var (result, error) = done[i];
                results[position] = new BulkItemResult(
                    operation.Action, operation.Index, id,
                    error?.Status ?? result!.Result switch { "created" => 201, "not_found" => 404, _ => 200 },
                    result, error);
            }
        }

        return Task.FromResult<IReadOnlyList<BulkItemResult>>(results);
    }

    /// <inheritdoc />
    public Task RefreshAsync(string index, CancellationToken cancellationToken = default)
    {
        Existing(index).Refresh();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task FlushAsync(string index, CancellationToken cancellationToken = default)
    {
        Existing(index).Flush();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<SearchResult> SearchAsync(string index, SearchRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return Task.FromResult(Existing(index).Search(request, _time.GetUtcNow()));
    }

    /// <summary>Commits every shard and closes the indices.</summary>
    public void Dispose()
    {
        LuceneIndex[] open;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            open = [.. _indices.Values];
            _indices.Clear();
        }

        List<Exception>? failures = null;
        foreach (var index in open)
        {
            try
            {
                index.Dispose();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (failures ??= []).Add(e);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("closing the search engine", failures);
        }
    }

    /// <summary>Stops as a crash would (for tests of recovery): nothing committed, logs left as they are.</summary>
    internal void Crash()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var index in _indices.Values)
            {
                index.Crash();
            }

            _indices.Clear();
        }
    }

    private static void CheckAnalyzers(IReadOnlyDictionary<string, FieldMapping> mappings)
    {
        foreach (var (field, mapping) in mappings)
        {
            if (mapping.Analyzer is { } analyzer && !Analyzers.Exists(analyzer))
            {
                throw new SearchException("mapper_parsing_exception", $"analyzer [{analyzer}] has not been configured in mappings (field [{field}])");
            }
        }
    }

    private LuceneIndex Existing(string index)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _indices.TryGetValue(index, out var found) ? found : throw NotFound(index);
        }
    }

    // Elasticsearch creates an index on its first document, with dynamic mapping.
    private LuceneIndex OpenOrCreate(string index)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_indices.TryGetValue(index, out var found))
            {
                return found;
            }

            CheckName(index);
            ThrowIfDeleting(index);
            var created = LuceneIndex.Create(index, Path.Combine(DataDirectory, index), new IndexDefinition(), _time);
            _indices[index] = created;
            return created;
        }
    }

    // With _gate held.
    private void ThrowIfDeleting(string index)
    {
        if (_deleting.Contains(index))
        {
            throw new SearchException("illegal_state_exception", $"index [{index}] is being deleted; try again", 503);
        }
    }

    private static SearchException NotFound(string index) => new("index_not_found_exception", $"no such index [{index}]", 404);

    // Elasticsearch's rules: lower case, no \ / * ? " < > | space , #, not starting with - _ +, not . or .., at most 255 bytes.
    private static void CheckName(string index)
    {
        if (string.IsNullOrEmpty(index) || index.Length > 255 || !IndexName().IsMatch(index) || index is "." or "..")
        {
            throw new SearchException("invalid_index_name_exception", $"Invalid index name [{index}], must be lowercase, must not contain \\, /, *, ?, \", <, >, |, space, comma or #, and must not start with -, _ or +", 400);
        }
    }

    // Elasticsearch's auto ids are 20 URL-safe base64 characters.
    private static string NewId() =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');

    private static void CheckId(string id)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw SearchException.IllegalArgument("if _id is specified it must not be empty");
        }

        if (System.Text.Encoding.UTF8.GetByteCount(id) > 512)
        {
            throw SearchException.IllegalArgument($"id [{id}] is too long, must be no longer than 512 bytes but was: {System.Text.Encoding.UTF8.GetByteCount(id)}");
        }
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._\-]*$")]
    private static partial Regex IndexName();
}
