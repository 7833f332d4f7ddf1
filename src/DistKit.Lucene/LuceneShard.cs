using System.Globalization;
using DistKit.Search;
using DistKit.Search.Engine;
using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace DistKit.Lucene;

/// <summary>
/// One shard: a Lucene index, its write-ahead log, and a map of every id's version and last
/// sequence number. A write is mapped, logged and fsynced, then given to Lucene, all under the
/// shard's lock so the log's order is the sequence numbers' order; it is acknowledged durable and
/// becomes searchable at the next refresh. Writes not yet refreshed are kept, so a get is real time.
/// </summary>
internal sealed class LuceneShard : IDisposable
{
    private const string CommitSeqNo = "distkit.seq_no";
    private const long PrimaryTerm = 1;

    // Elasticsearch flushes when the log passes a size; a smaller one keeps restarts short here.
    private const long FlushAbove = 64L << 20;

    private readonly System.Threading.Lock _gate = new();
    private readonly LuceneDirectory _directory;
    private readonly IndexWriter _writer;
    private readonly SearcherManager _searchers;
    private readonly Translog _translog;
    private readonly Analyzer _analyzer;
    private readonly Dictionary<string, (long Version, long SeqNo, bool Deleted)> _versions = new(StringComparer.Ordinal);

    // Writes not yet known to be in a refreshed reader, by id: a get serves them; a refresh drops
    // only those at or below the sequence number it started from.
    private readonly Dictionary<string, (long SeqNo, StoredDocument? Document)> _pending = new(StringComparer.Ordinal);
    private long _seqNo = -1;
    private Exception? _failure;

    public LuceneShard(string index, int number, string path, Analyzer analyzer, Func<string, string, long, long, global::Lucene.Net.Documents.Document> map)
    {
        _analyzer = analyzer;
        Index = index;
        Number = number;
        System.IO.Directory.CreateDirectory(path);
        _directory = FSDirectory.Open(Path.Combine(path, "lucene"));
        try
        {
            _writer = new IndexWriter(_directory, new IndexWriterConfig(Analyzers.Version, Analyzers.Get("standard"))
            {
                OpenMode = OpenMode.CREATE_OR_APPEND,
                Similarity = Scoring.Similarity,
            });
            try
            {
                var committed = LoadCommitted();
                _translog = new Translog(Path.Combine(path, "translog"));
                try
                {
                    Replay(committed, map);
                    _searchers = new SearcherManager(_writer, applyAllDeletes: true, new Scoring.Searchers());
                }
                catch
                {
                    _translog.Dispose();
                    throw;
                }
            }
            catch
            {
                _writer.Rollback();
                throw;
            }
        }
        catch
        {
            _directory.Dispose();
            throw;
        }
    }

    public string Index { get; }

    public int Number { get; }

    /// <summary>
    /// Writes a document: version and sequence number assigned, given to Lucene (which may still
    /// refuse it, an over-long term say), then logged and fsynced — only what Lucene took is logged,
    /// so a replay never meets a record it cannot apply.
    /// </summary>
    public WriteResult Write(string id, string source, WriteOptions options, Func<long, long, global::Lucene.Net.Documents.Document> map)
    {
        lock (_gate)
        {
            ThrowIfFailed();
            var result = WriteLocked(id, source, options, map, sync: true);
            FlushIfLogIsLarge();
            return result;
        }
    }

    /// <summary>Deletes a document; <c>not_found</c> when there is none.</summary>
    public WriteResult Delete(string id, WriteOptions options)
    {
        lock (_gate)
        {
            ThrowIfFailed();
            var result = DeleteLocked(id, options, sync: true);
            FlushIfLogIsLarge();
            return result;
        }
    }

    /// <summary>
    /// A bulk request's operations for this shard, in order, each on its own; the log is synced
    /// once after them all, before any is acknowledged. A failed sync fails every one of them.
    /// </summary>
    public (WriteResult? Result, SearchException? Error)[] Bulk(IReadOnlyList<(BulkOperation Operation, string Id, Func<long, long, global::Lucene.Net.Documents.Document>? Map)> operations)
    {
        var results = new (WriteResult?, SearchException?)[operations.Count];
        lock (_gate)
        {
            ThrowIfFailed();
            for (var i = 0; i < operations.Count; i++)
            {
                var (operation, id, map) = operations[i];
                try
                {
                    results[i] = (operation is BulkIndex write
                        ? WriteLocked(id, write.Source, write.Options, map!, sync: false)
                        : DeleteLocked(id, operation.Options, sync: false), null);
                }
                catch (SearchException e)
                {
                    results[i] = (null, e);
                }
            }

            try
            {
                _translog.Sync();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _failure = e;
                var failed = new SearchException("translog_exception", $"shard [{Index}][{Number}] failed to sync its log, restart to recover: {e.Message}", 500, e);
                for (var i = 0; i < results.Length; i++)
                {
                    results[i] = (null, results[i].Item2 ?? failed);
                }

                return results;
            }

            FlushIfLogIsLarge();
        }

        return results;
    }

    private WriteResult WriteLocked(string id, string source, WriteOptions options, Func<long, long, global::Lucene.Net.Documents.Document> map, bool sync)
    {
        var exists = _versions.TryGetValue(id, out var current);
        var live = exists && !current.Deleted;
        Check(id, live, current.SeqNo, options);

        // A document written again after a delete continues from the delete's version, as Elasticsearch does.
        var version = exists ? current.Version + 1 : 1;
        var seqNo = _seqNo + 1;
        var document = map(version, seqNo);
        try
        {
            _writer.UpdateDocument(DocumentMapper.IdTerm(id), document, _analyzer);
        }
        catch (ArgumentException e)
        {
            throw new SearchException("illegal_argument_exception", $"Document contains a value Lucene refuses: {e.Message}", 400, e);
        }

        Log(new TranslogEntry(false, id, seqNo, version, source), sync);
        _versions[id] = (version, seqNo, false);
        _pending[id] = (seqNo, new StoredDocument(Index, id, version, seqNo, PrimaryTerm, source));
        return new WriteResult(Index, id, version, seqNo, PrimaryTerm, live ? "updated" : "created", Number);
    }

    private WriteResult DeleteLocked(string id, WriteOptions options, bool sync)
    {
        var exists = _versions.TryGetValue(id, out var current);
        var live = exists && !current.Deleted;
        Check(id, live, current.SeqNo, options with { CreateOnly = false });
        var version = exists ? current.Version + 1 : 1;
        var seqNo = _seqNo + 1;
        _writer.DeleteDocuments(DocumentMapper.IdTerm(id));
        Log(new TranslogEntry(true, id, seqNo, version, null), sync);
        _versions[id] = (version, seqNo, true);
        _pending[id] = (seqNo, null);
        return new WriteResult(Index, id, version, seqNo, PrimaryTerm, live ? "deleted" : "not_found", Number);
    }

    /// <summary>The document as last written, refreshed or not.</summary>
    public StoredDocument? Get(string id)
    {
        lock (_gate)
        {
            if (!_versions.TryGetValue(id, out var current) || current.Deleted)
            {
                return null;
            }

            if (_pending.TryGetValue(id, out var pending))
            {
                return pending.Document;
            }
        }

        // Not pending: its last write is in every reader opened since the refresh that dropped it.
        var searcher = _searchers.Acquire();
        try
        {
            var top = searcher.Search(new TermQuery(DocumentMapper.IdTerm(id)), 1);
            if (top.TotalHits == 0)
            {
                return null;
            }

            var (_, source, version, seqNo) = DocumentMapper.Stored(searcher.Doc(top.ScoreDocs[0].Doc));
            return new StoredDocument(Index, id, version, seqNo, PrimaryTerm, source);
        }
        finally
        {
            _searchers.Release(searcher);
        }
    }

    /// <summary>Makes every write so far searchable.</summary>
    public void Refresh()
    {
        long upTo;
        lock (_gate)
        {
            upTo = _seqNo;
        }

        _searchers.MaybeRefreshBlocking();
        lock (_gate)
        {
            foreach (var id in _pending.Where(p => p.Value.SeqNo <= upTo).Select(p => p.Key).ToList())
            {
                _pending.Remove(id);
            }
        }
    }

    /// <summary>Commits Lucene with the sequence number it holds, then empties the log.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            ThrowIfFailed();
            FlushLocked();
        }
    }

    /// <summary>The top <paramref name="count"/> hits of <paramref name="query"/> in this shard, with the searcher they belong to (release it).</summary>
    public (IndexSearcher Searcher, TopDocs Top) Search(Query query, int count)
    {
        var searcher = _searchers.Acquire();
        try
        {
            return (searcher, searcher.Search(query, Math.Max(1, count)));
        }
        catch
        {
            _searchers.Release(searcher);
            throw;
        }
    }

    public void Release(IndexSearcher searcher) => _searchers.Release(searcher);

    /// <summary>Stops as a crash would: Lucene's uncommitted changes dropped, the log left as it is (for tests of recovery, and for an index being deleted).</summary>
    internal void Crash()
    {
        _searchers.Dispose();
        _writer.Rollback();
        _translog.Dispose();
        _directory.Dispose();
    }

    public void Dispose()
    {
        try
        {
            lock (_gate)
            {
                if (_failure is null)
                {
                    FlushLocked();
                }
            }
        }
        finally
        {
            _searchers.Dispose();
            if (_failure is null)
            {
                _writer.Dispose();
            }
            else
            {
                _writer.Rollback(); // what the log does not hold must not be committed
            }

            _translog.Dispose();
            _directory.Dispose();
        }
    }

    private void Log(TranslogEntry entry, bool sync)
    {
        try
        {
            _translog.Append(entry, sync);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Lucene holds a write the log may not: no later write and no commit until a restart
            // replays the log, which holds exactly what was acknowledged.
            _failure = e;
            throw new SearchException("translog_exception", $"shard [{Index}][{Number}] failed to write its log, restart to recover: {e.Message}", 500, e);
        }

        _seqNo = entry.SeqNo;
    }

    private void FlushIfLogIsLarge()
    {
        if (_translog.Length > FlushAbove)
        {
            FlushLocked();
        }
    }

    private void FlushLocked()
    {
        _writer.SetCommitData(new Dictionary<string, string> { [CommitSeqNo] = _seqNo.ToString(CultureInfo.InvariantCulture) });
        _writer.Commit();
        _translog.Clear();
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new SearchException("translog_exception", $"shard [{Index}][{Number}] failed to write its log, restart to recover: {failure.Message}", 500, failure);
        }
    }

    // Entries after the last commit are replayed into Lucene; those before it are already there.
    private void Replay(long committed, Func<string, string, long, long, global::Lucene.Net.Documents.Document> map)
    {
        foreach (var entry in _translog.Replay())
        {
            if (entry.SeqNo <= committed)
            {
                continue;
            }

            if (entry.Delete)
            {
                _writer.DeleteDocuments(DocumentMapper.IdTerm(entry.Id));
            }
            else
            {
                _writer.UpdateDocument(DocumentMapper.IdTerm(entry.Id), map(entry.Id, entry.Source!, entry.Version, entry.SeqNo), _analyzer);
            }

            _versions[entry.Id] = (entry.Version, entry.SeqNo, entry.Delete);
            _seqNo = Math.Max(_seqNo, entry.SeqNo);
        }
    }

    private static void Check(string id, bool known, long seqNo, WriteOptions options)
    {
        if (options.CreateOnly && known)
        {
            throw new SearchException("version_conflict_engine_exception", $"[{id}]: version conflict, document already exists", 409);
        }

        if (options.IfSeqNo is { } expected && (!known || expected != seqNo || (options.IfPrimaryTerm ?? PrimaryTerm) != PrimaryTerm))
        {
            throw new SearchException(
                "version_conflict_engine_exception",
                known
                    ? $"[{id}]: version conflict, required seqNo [{expected}], primary term [{options.IfPrimaryTerm ?? PrimaryTerm}]. current document has seqNo [{seqNo}] and primary term [{PrimaryTerm}]"
                    : $"[{id}]: version conflict, required seqNo [{expected}], primary term [{options.IfPrimaryTerm ?? PrimaryTerm}]. but no document was found",
                409);
        }
    }

    // The committed documents' versions, and the sequence number the last commit holds.
    private long LoadCommitted()
    {
        if (!DirectoryReader.IndexExists(_directory))
        {
            return -1;
        }

        using var reader = DirectoryReader.Open(_directory);
        var live = MultiFields.GetLiveDocs(reader);
        for (var doc = 0; doc < reader.MaxDoc; doc++)
        {
            if (live is not null && !live.Get(doc))
            {
                continue;
            }

            var (id, _, version, seqNo) = DocumentMapper.Stored(reader.Document(doc));
            _versions[id] = (version, seqNo, false);
            _seqNo = Math.Max(_seqNo, seqNo);
        }

        var committed = reader.IndexCommit.UserData.TryGetValue(CommitSeqNo, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : -1;
        _seqNo = Math.Max(_seqNo, committed);
        return committed;
    }
}
