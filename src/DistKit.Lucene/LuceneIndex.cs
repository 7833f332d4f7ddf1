using System.IO.Hashing;
using System.Text;
using DistKit.Search;
using DistKit.Search.Engine;
using Lucene.Net.Search;

namespace DistKit.Lucene;

/// <summary>
/// One index: its definition (mappings grow as dynamic mapping meets new fields, and are written
/// before any document that uses them is logged), its shards, and the timer that refreshes them.
/// </summary>
internal sealed class LuceneIndex : IDisposable
{
    private readonly System.Threading.Lock _mappingGate = new();
    private readonly string _directory;
    private readonly LuceneShard[] _shards;
    private readonly ITimer? _refresher;
    private readonly MappingAnalyzer _analyzer;
    private bool _closed;
    private IndexDefinition _definition;

    private LuceneIndex(string name, string directory, IndexDefinition definition, TimeProvider time)
    {
        Name = name;
        _directory = directory;
        _definition = definition;
        _analyzer = new MappingAnalyzer(() => Definition.Mappings);
        var shards = new List<LuceneShard>(definition.Shards);
        try
        {
            for (var i = 0; i < definition.Shards; i++)
            {
                shards.Add(new LuceneShard(name, i, Path.Combine(directory, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), _analyzer, MapForReplay));
            }
        }
        catch
        {
            shards.ForEach(opened => opened.Crash());
            _analyzer.Dispose();
            throw;
        }

        _shards = [.. shards];
        if (definition.RefreshInterval != Timeout.InfiniteTimeSpan)
        {
            // One shot, armed again after each refresh: a slow refresh never overlaps the next.
            _refresher = time.CreateTimer(_ => RefreshOnSchedule(), null, definition.RefreshInterval, Timeout.InfiniteTimeSpan);
        }
    }

    public string Name { get; }

    public IndexDefinition Definition => Volatile.Read(ref _definition);

    public static LuceneIndex Create(string name, string directory, IndexDefinition definition, TimeProvider time)
    {
        System.IO.Directory.CreateDirectory(directory);
        IndexMetadata.Write(Path.Combine(directory, "index.json"), definition);
        return new LuceneIndex(name, directory, definition, time);
    }

    public static LuceneIndex Open(string name, string directory, TimeProvider time) =>
        new(name, directory, IndexMetadata.Read(Path.Combine(directory, "index.json")), time);

    public WriteResult Write(string id, string source, WriteOptions options)
    {
        var shard = ShardOf(id);
        var result = shard.Write(id, source, options, (version, seqNo) => Map(id, source, version, seqNo));
        AfterWrite(shard, options.Refresh);
        return result;
    }

    public WriteResult Delete(string id, WriteOptions options)
    {
        var shard = ShardOf(id);
        var result = shard.Delete(id, options);
        AfterWrite(shard, options.Refresh);
        return result;
    }

    public StoredDocument? Get(string id) => ShardOf(id).Get(id);

    /// <summary>A bulk request's operations on this index, each shard's run in order with one log sync; results in the operations' order.</summary>
    public (WriteResult? Result, SearchException? Error)[] Bulk(IReadOnlyList<(BulkOperation Operation, string Id)> operations, RefreshPolicy refresh)
    {
        var results = new (WriteResult?, SearchException?)[operations.Count];
        var byShard = operations.Select((o, i) => (o.Operation, o.Id, Position: i)).GroupBy(o => ShardOf(o.Id));
        foreach (var group in byShard)
        {
            var shard = group.Key;
            var items = group.ToList();
            var done = shard.Bulk([.. items.Select(o => (o.Operation, o.Id, o.Operation is BulkIndex write
                ? (Func<long, long, global::Lucene.Net.Documents.Document>?)((version, seqNo) => Map(o.Id, write.Source, version, seqNo))
                : null))]);
            for (var i = 0; i < items.Count; i++)
            {
                results[items[i].Position] = done[i];
            }

            AfterWrite(shard, refresh);
        }

        return results;
    }

    public void Refresh()
    {
        foreach (var shard in _shards)
        {
            shard.Refresh();
        }
    }

    public void Flush()
    {
        foreach (var shard in _shards)
        {
            shard.Flush();
        }
    }

    /// <summary>Every shard searched in parallel, their top hits merged by score (the scatter-gather of a cluster, here across cores).</summary>
    public SearchResult Search(SearchRequest request, DateTimeOffset now)
    {
        var query = new QueryTranslator(Definition.Mappings, now).Translate(request.Query);
        var wanted = request.From + request.Size;
        var results = new (IndexSearcher Searcher, TopDocs Top)[_shards.Length];
        try
        {
            try
            {
                Parallel.For(0, _shards.Length, i => results[i] = _shards[i].Search(query, wanted));
            }
            catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
                throw;
            }
            var merged = TopDocs.Merge(null, Math.Max(1, wanted), [.. results.Select(r => r.Top)]);
            var hits = merged.ScoreDocs.Skip(request.From).Take(request.Size).Select(hit =>
            {
                var (id, source, _, _) = DocumentMapper.Stored(results[hit.ShardIndex].Searcher.Doc(hit.Doc));
                return new SearchHit(Name, id, hit.Score, source);
            }).ToList();
            var total = results.Sum(r => (long)r.Top.TotalHits);
            return new SearchResult(total, total == 0 ? null : merged.MaxScore, hits, _shards.Length);
        }
        finally
        {
            for (var i = 0; i < results.Length; i++)
            {
                if (results[i].Searcher is { } searcher)
                {
                    _shards[i].Release(searcher);
                }
            }
        }
    }

    public void Dispose() => Close(shard => shard.Dispose());

    /// <summary>Closes without committing (for an index about to be deleted, or a simulated crash).</summary>
    internal void Crash() => Close(shard => shard.Crash());

    // Every shard closed even when one fails; the first failure reported after.
    private void Close(Action<LuceneShard> close)
    {
        Volatile.Write(ref _closed, true);
        _refresher?.Dispose();
        List<Exception>? failures = null;
        foreach (var shard in _shards)
        {
            try
            {
                close(shard);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (failures ??= []).Add(e);
            }
        }

        _analyzer.Dispose();
        if (failures is not null)
        {
            throw new AggregateException($"closing index [{Name}]", failures);
        }
    }

    /// <summary>The index's directory.</summary>
    public string DirectoryPath => _directory;

    private static void AfterWrite(LuceneShard shard, RefreshPolicy refresh)
    {
        if (refresh != RefreshPolicy.None)
        {
            shard.Refresh();
        }
    }

    // Maps a new write, writing the definition first when dynamic mapping added fields, so every
    // logged document's fields are known when the log is replayed.
    private global::Lucene.Net.Documents.Document Map(string id, string source, long version, long seqNo)
    {
        var (document, added) = DocumentMapper.Map(id, source, version, seqNo, Definition.Mappings);
        if (added.Count == 0)
        {
            return document;
        }

        lock (_mappingGate)
        {
            // Mapped again under the lock: another shard may have mapped the same new field meanwhile,
            // and its type is the one that holds.
            (document, added) = DocumentMapper.Map(id, source, version, seqNo, Definition.Mappings);
            if (added.Count == 0)
            {
                return document;
            }

            var mappings = new Dictionary<string, FieldMapping>(Definition.Mappings, StringComparer.Ordinal);
            foreach (var (field, mapping) in added)
            {
                mappings.TryAdd(field, mapping);
            }

            var next = Definition with { Mappings = mappings };
            IndexMetadata.Write(Path.Combine(_directory, "index.json"), next);
            Volatile.Write(ref _definition, next);
        }

        return document;
    }

    /// <summary>Adds fields to the mapping (new documents use them; documents already written are not re-indexed, as in Elasticsearch).</summary>
    public void PutMappings(IReadOnlyDictionary<string, FieldMapping> fields)
    {
        lock (_mappingGate)
        {
            var mappings = new Dictionary<string, FieldMapping>(Definition.Mappings, StringComparer.Ordinal);
            foreach (var (field, mapping) in fields)
            {
                if (mappings.TryGetValue(field, out var existing) && existing != mapping)
                {
                    throw SearchException.IllegalArgument(existing.Type != mapping.Type
                        ? $"mapper [{field}] cannot be changed from type [{existing.TypeName}] to [{mapping.TypeName}]"
                        : $"Mapper for [{field}] conflicts with existing mapper: Cannot update parameter [analyzer] from [{existing.Analyzer ?? "default"}] to [{mapping.Analyzer ?? "default"}]");
                }

                mappings[field] = mapping;
            }

            var next = Definition with { Mappings = mappings };
            IndexMetadata.Write(Path.Combine(_directory, "index.json"), next);
            Volatile.Write(ref _definition, next);
        }
    }

    private global::Lucene.Net.Documents.Document MapForReplay(string id, string source, long version, long seqNo) =>
        DocumentMapper.Map(id, source, version, seqNo, Definition.Mappings).Document;

    private LuceneShard ShardOf(string id) =>
        _shards.Length == 1 ? _shards[0] : _shards[(int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(id)) % (uint)_shards.Length)];

    private void RefreshOnSchedule()
    {
        if (Volatile.Read(ref _closed))
        {
            return;
        }

        try
        {
            Refresh();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A timer callback must not throw (it would end the process). Closed meanwhile, or a
            // disk error the next write or explicit refresh will report.
        }

        if (!Volatile.Read(ref _closed))
        {
            try
            {
                _refresher?.Change(Definition.RefreshInterval, Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
                // Closed meanwhile.
            }
        }
    }
}
