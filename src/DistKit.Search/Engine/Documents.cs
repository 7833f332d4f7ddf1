using DistKit.Search.Dsl;

namespace DistKit.Search.Engine;

/// <summary>When a write becomes searchable.</summary>
public enum RefreshPolicy
{
    /// <summary>At the next scheduled refresh (the default).</summary>
    None,

    /// <summary>Before the write is acknowledged (<c>?refresh=true</c>).</summary>
    Immediate,

    /// <summary>The write waits until a refresh makes it searchable (<c>?refresh=wait_for</c>).</summary>
    WaitFor,
}

/// <summary>Conditions and visibility of one write.</summary>
public sealed record WriteOptions
{
    /// <summary>When the write becomes searchable.</summary>
    public RefreshPolicy Refresh { get; init; }

    /// <summary>Only if the document was last written at this sequence number (with <see cref="IfPrimaryTerm"/>).</summary>
    public long? IfSeqNo { get; init; }

    /// <summary>Only if the document was last written under this primary term.</summary>
    public long? IfPrimaryTerm { get; init; }

    /// <summary>Only if no document has the id (<c>op_type=create</c>, <c>_create</c>).</summary>
    public bool CreateOnly { get; init; }
}

/// <summary>What a write did.</summary>
/// <param name="Index">The index.</param>
/// <param name="Id">The document's id.</param>
/// <param name="Version">Its version after the write (1 when created).</param>
/// <param name="SeqNo">The write's sequence number in its shard.</param>
/// <param name="PrimaryTerm">The primary term (always 1 on one node).</param>
/// <param name="Result"><c>created</c>, <c>updated</c>, <c>deleted</c> or <c>not_found</c>.</param>
/// <param name="Shard">The shard it went to.</param>
public sealed record WriteResult(string Index, string Id, long Version, long SeqNo, long PrimaryTerm, string Result, int Shard);

/// <summary>A stored document.</summary>
/// <param name="Index">The index.</param>
/// <param name="Id">Its id.</param>
/// <param name="Version">Its version.</param>
/// <param name="SeqNo">The sequence number of its last write.</param>
/// <param name="PrimaryTerm">The primary term of its last write.</param>
/// <param name="Source">Its JSON, as written.</param>
public sealed record StoredDocument(string Index, string Id, long Version, long SeqNo, long PrimaryTerm, string Source);

/// <summary>A search: a query and the page of hits wanted.</summary>
/// <param name="Query">What to find.</param>
public sealed record SearchRequest(Query Query)
{
    /// <summary>The largest from + size allowed (Elasticsearch's <c>index.max_result_window</c>).</summary>
    public const int MaxResultWindow = 10_000;

    /// <summary>Hits to skip.</summary>
    public int From { get; init; }

    /// <summary>Hits to return. Default 10.</summary>
    public int Size { get; init; } = 10;

    /// <summary>Throws <see cref="SearchException"/> when the page is out of range.</summary>
    public void Validate()
    {
        if (From < 0 || Size < 0)
        {
            throw SearchException.IllegalArgument($"[from] and [size] must be non-negative, got from {From} and size {Size}");
        }

        if ((long)From + Size > MaxResultWindow)
        {
            throw SearchException.IllegalArgument(
                $"Result window is too large, from + size must be less than or equal to: [{MaxResultWindow}] but was [{(long)From + Size}]. See the scroll api for a more efficient way to request large data sets.");
        }
    }
}

/// <summary>One hit.</summary>
/// <param name="Index">The index.</param>
/// <param name="Id">The document's id.</param>
/// <param name="Score">Its relevance score.</param>
/// <param name="Source">Its JSON.</param>
public sealed record SearchHit(string Index, string Id, double Score, string Source);

/// <summary>A search's answer.</summary>
/// <param name="Total">How many documents match.</param>
/// <param name="MaxScore">The best score, null when nothing matches.</param>
/// <param name="Hits">The page asked for, best first.</param>
/// <param name="Shards">Shards asked.</param>
public sealed record SearchResult(long Total, double? MaxScore, IReadOnlyList<SearchHit> Hits, int Shards);

/// <summary>The engine behind the search API: the embedded one (<c>DistKit.Lucene</c>) or a remote cluster.</summary>
public interface ISearchEngine
{
    /// <summary>Creates <paramref name="index"/>; <c>resource_already_exists_exception</c> (400) when it exists.</summary>
    Task CreateIndexAsync(string index, IndexDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Deletes <paramref name="index"/> and its data; <c>index_not_found_exception</c> (404) when there is none.</summary>
    Task DeleteIndexAsync(string index, CancellationToken cancellationToken = default);

    /// <summary>True when <paramref name="index"/> exists.</summary>
    bool IndexExists(string index);

    /// <summary>Every index, in name order.</summary>
    IReadOnlyList<string> Indices { get; }

    /// <summary>The index's shape, the fields dynamic mapping added included.</summary>
    IndexDefinition? GetIndex(string index);

    /// <summary>
    /// Adds fields to the index's mapping; a field already mapped another way is an
    /// <c>illegal_argument_exception</c>. Documents already written keep how they were indexed.
    /// </summary>
    Task PutMappingsAsync(string index, IReadOnlyDictionary<string, FieldMapping> mappings, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="source"/> (a JSON object) as document <paramref name="id"/>, creating the index if needed; acknowledged once durable.</summary>
    Task<WriteResult> IndexAsync(string index, string id, string source, WriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The document, as last written (real time: no refresh needed); null when there is none.</summary>
    Task<StoredDocument?> GetAsync(string index, string id, CancellationToken cancellationToken = default);

    /// <summary>Deletes the document; a result of <c>not_found</c> when there is none.</summary>
    Task<WriteResult> DeleteAsync(string index, string id, WriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs every operation, each on its own (one refused does not stop the others), in order per
    /// document; acknowledged, like single writes, only once durable — each shard's log is synced
    /// once for all of its operations.
    /// </summary>
    Task<IReadOnlyList<BulkItemResult>> BulkAsync(IReadOnlyList<BulkOperation> operations, RefreshPolicy refresh = RefreshPolicy.None, CancellationToken cancellationToken = default);

    /// <summary>Makes every acknowledged write searchable.</summary>
    Task RefreshAsync(string index, CancellationToken cancellationToken = default);

    /// <summary>Commits the index, so a start need not replay its write-ahead log.</summary>
    Task FlushAsync(string index, CancellationToken cancellationToken = default);

    /// <summary>Runs a search over every shard and merges the hits.</summary>
    Task<SearchResult> SearchAsync(string index, SearchRequest request, CancellationToken cancellationToken = default);
}

/// <summary>One operation of a bulk request.</summary>
/// <param name="Index">The index it writes.</param>
/// <param name="Id">The document's id; for an index operation null lets the engine make one.</param>
public abstract record BulkOperation(string Index, string? Id)
{
    /// <summary>Its name in a bulk response: <c>index</c>, <c>create</c> or <c>delete</c>.</summary>
    public abstract string Action { get; }

    /// <summary>Conditions: <see cref="WriteOptions.IfSeqNo"/>, <see cref="WriteOptions.CreateOnly"/> (the refresh policy is the request's).</summary>
    public WriteOptions Options { get; init; } = new();
}

/// <summary>Writes a document (<c>index</c>, or <c>create</c> when <see cref="WriteOptions.CreateOnly"/>).</summary>
public sealed record BulkIndex(string Index, string? Id, string Source) : BulkOperation(Index, Id)
{
    /// <inheritdoc />
    public override string Action => Options.CreateOnly ? "create" : "index";
}

/// <summary>Deletes a document.</summary>
public sealed record BulkDelete(string Index, string Id) : BulkOperation(Index, Id)
{
    /// <inheritdoc />
    public override string Action => "delete";
}

/// <summary>What one bulk operation did: its write, or the error that refused it (the others go on).</summary>
/// <param name="Action"><c>index</c>, <c>create</c> or <c>delete</c>.</param>
/// <param name="Index">The index.</param>
/// <param name="Id">The document's id (made by the engine when the operation had none).</param>
/// <param name="Status">The HTTP status Elasticsearch gives the item: 201 created, 200 updated or deleted, 404 not found, 4xx/5xx refused.</param>
/// <param name="Result">The write, when it was made.</param>
/// <param name="Error">Why it was refused, when it was.</param>
public sealed record BulkItemResult(string Action, string Index, string Id, int Status, WriteResult? Result, SearchException? Error);
