using Microsoft.Extensions.DependencyInjection;
using DistKit.Lucene;
using DistKit.Search.Dsl;
using DistKit.Search.Engine;

namespace DistKit.Search.Tests;

/// <summary>The embedded engine: mappings, analyzers, refresh, versions, shards and recovery from its write-ahead log.</summary>
public sealed class LuceneEngineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-lucene-").FullName;

    private static readonly IndexDefinition NoAutoRefresh = new() { RefreshInterval = Timeout.InfiniteTimeSpan };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SearchRequest Search(string json, int size = 10) => new(QueryDsl.Parse(json)) { Size = size };

    [Fact]
    public async Task Cjk_APhraseMatchesAdjacentBigramsOnly()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = new LuceneSearchEngine(_dir);
        await engine.CreateIndexAsync("notes", NoAutoRefresh with { Mappings = new Dictionary<string, FieldMapping> { ["body"] = new(MappingType.Text, "cjk") } }, ct);
        await engine.IndexAsync("notes", "1", """{"body":"今天天气很好"}""", new WriteOptions { Refresh = RefreshPolicy.Immediate }, ct);

        Assert.Equal(1, (await engine.SearchAsync("notes", Search("""{"match_phrase":{"body":"天气很好"}}"""), ct)).Total);
        Assert.Equal(0, (await engine.SearchAsync("notes", Search("""{"match_phrase":{"body":"天气好"}}"""), ct)).Total);
        Assert.Equal(1, (await engine.SearchAsync("notes", Search("""{"match":{"body":"天气"}}"""), ct)).Total);
    }

    [Fact]
    public async Task DynamicMapping_TypesFieldsFromTheFirstDocument_AndQueriesUseThem()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = new LuceneSearchEngine(_dir);
        await engine.IndexAsync("tickets", "1", """{"title":"Refund for late delivery","city":"Beijing","amount":120,"score":4.5,"open":true,"created":"2024-05-01T08:00:00Z","customer":{"tier":"gold"},"tags":["urgent","vip"]}""", cancellationToken: ct);
        await engine.IndexAsync("tickets", "2", """{"title":"Delivery was fine","city":"Shanghai","amount":30,"score":2,"open":false,"created":"2024-06-01","customer":{"tier":"silver"},"tags":["ok"]}""", cancellationToken: ct);
        await engine.IndexAsync("tickets", "3", """{"title":"Late again","city":"Beijing","amount":75,"open":true,"created":"2024-06-15T10:00:00Z","customer":{"tier":"gold"}}""", new WriteOptions { Refresh = RefreshPolicy.Immediate }, ct);

        var mappings = engine.GetIndex("tickets")!.Mappings;
        Assert.Equal(MappingType.Text, mappings["title"].Type);
        Assert.Equal(MappingType.Keyword, mappings["city.keyword"].Type);
        Assert.Equal(MappingType.Long, mappings["amount"].Type);
        Assert.Equal(MappingType.Double, mappings["score"].Type);
        Assert.Equal(MappingType.Boolean, mappings["open"].Type);
        Assert.Equal(MappingType.Date, mappings["created"].Type);
        Assert.Equal(MappingType.Text, mappings["customer.tier"].Type);

        async Task<string[]> Ids(string json) => [.. (await engine.SearchAsync("tickets", Search(json), ct)).Hits.Select(h => h.Id).Order()];

        Assert.Equal(["1", "3"], await Ids("""{"match":{"title":"late"}}"""));
        Assert.Equal(["1"], await Ids("""{"match":{"title":{"query":"late delivery","operator":"and"}}}"""));
        Assert.Equal(["1", "3"], await Ids("""{"term":{"city.keyword":"Beijing"}}"""));
        Assert.Equal(["2"], await Ids("""{"bool":{"must_not":[{"term":{"city.keyword":"Beijing"}}]}}"""));
        Assert.Equal(["1", "3"], await Ids("""{"range":{"amount":{"gte":75}}}"""));
        Assert.Equal(["2", "3"], await Ids("""{"range":{"created":{"gte":"2024-06-01","lt":"2024-07-01"}}}"""));
        Assert.Equal(["1", "2"], await Ids("""{"exists":{"field":"score"}}"""));
        Assert.Equal(["1", "3"], await Ids("""{"bool":{"filter":[{"term":{"open":true}},{"terms":{"customer.tier.keyword":["gold","platinum"]}}]}}"""));
        Assert.Equal(["1"], await Ids("""{"term":{"tags.keyword":"vip"}}"""));
        Assert.Equal(["2", "3"], await Ids("""{"ids":{"values":["2","3","9"]}}"""));
        Assert.Equal(["1", "3"], await Ids("""{"prefix":{"city.keyword":"Bei"}}"""));
        Assert.Empty(await Ids("""{"match":{"nosuchfield":"x"}}"""));
        Assert.Equal(["1", "2", "3"], await Ids("""{"bool":{"should":[{"match":{"title":"delivery"}},{"match":{"title":"again"}}]}}"""));
        Assert.Equal(["1"], await Ids("""{"bool":{"should":[{"match":{"title":"delivery"}},{"match":{"title":"refund"}}],"minimum_should_match":2}}"""));
    }

    [Fact]
    public async Task AWrite_IsSearchableAfterARefresh_ButAGetSeesItAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = new LuceneSearchEngine(_dir);
        await engine.CreateIndexAsync("docs", NoAutoRefresh, ct);
        await engine.IndexAsync("docs", "a", """{"text":"hello"}""", cancellationToken: ct);

        Assert.Equal(0, (await engine.SearchAsync("docs", Search("""{"match_all":{}}"""), ct)).Total);
        Assert.Equal("""{"text":"hello"}""", (await engine.GetAsync("docs", "a", ct))!.Source);
        await engine.RefreshAsync("docs", ct);
        Assert.Equal(1, (await engine.SearchAsync("docs", Search("""{"match":{"text":"hello"}}"""), ct)).Total);
        Assert.Equal("""{"text":"hello"}""", (await engine.GetAsync("docs", "a", ct))!.Source);
    }

    [Fact]
    public async Task Versions_GrowPerWrite_AndConditionalWritesConflictWith409()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = new LuceneSearchEngine(_dir);
        var first = await engine.IndexAsync("v", "1", """{"n":1}""", cancellationToken: ct);
        var second = await engine.IndexAsync("v", "1", """{"n":2}""", cancellationToken: ct);
        Assert.Equal((1, 0, "created"), (first.Version, first.SeqNo, first.Result));
        Assert.Equal((2, 1, "updated"), (second.Version, second.SeqNo, second.Result));

        var exists = await Assert.ThrowsAsync<SearchException>(() => engine.IndexAsync("v", "1", """{"n":3}""", new WriteOptions { CreateOnly = true }, ct));
        Assert.Equal(("version_conflict_engine_exception", 409), (exists.Type, exists.Status));
        var stale = await Assert.ThrowsAsync<SearchException>(() => engine.IndexAsync("v", "1", """{"n":3}""", new WriteOptions { IfSeqNo = 0, IfPrimaryTerm = 1 }, ct));
        Assert.Equal(409, stale.Status);
        var current = await engine.IndexAsync("v", "1", """{"n":3}""", new WriteOptions { IfSeqNo = 1, IfPrimaryTerm = 1 }, ct);
        Assert.Equal(3, current.Version);

        var deleted = await engine.DeleteAsync("v", "1", cancellationToken: ct);
        var again = await engine.DeleteAsync("v", "1", cancellationToken: ct);
        Assert.Equal(("deleted", "not_found"), (deleted.Result, again.Result));
        Assert.Null(await engine.GetAsync("v", "1", ct));
    }

    [Fact]
    public async Task ShardedIndex_SearchesEveryShard_AndMergesByScore()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = new LuceneSearchEngine(_dir);
        await engine.CreateIndexAsync("many", NoAutoRefresh with { Shards = 4 }, ct);
        for (var i = 0; i < 200; i++)
        {
            await engine.IndexAsync("many", $"d{i}", $$"""{"text":"{{string.Join(' ', Enumerable.Repeat("fox", 1 + (i % 5)))}} dog","n":{{i}}}""", cancellationToken: ct);
        }

        await engine.RefreshAsync("many", ct);
        var result = await engine.SearchAsync("many", Search("""{"match":{"text":"fox"}}""", size: 50), ct);
        Assert.Equal(200, result.Total);
        Assert.Equal(4, result.Shards);
        Assert.Equal(50, result.Hits.Count);
        Assert.True(result.Hits.Zip(result.Hits.Skip(1)).All(p => p.First.Score >= p.Second.Score), "hits are merged best first");
        Assert.Equal(40, (await engine.SearchAsync("many", Search("""{"range":{"n":{"gte":10,"lt":50}}}"""), ct)).Total);
    }

    [Fact]
    public async Task AfterACrash_EveryAcknowledgedWriteIsThere_AndATornLastRecordIsCutAway()
    {
        var ct = TestContext.Current.CancellationToken;
        var engine = new LuceneSearchEngine(_dir);
        await engine.CreateIndexAsync("log", NoAutoRefresh with { Shards = 2 }, ct);
        for (var i = 0; i < 100; i++)
        {
            await engine.IndexAsync("log", $"d{i}", $$"""{"n":{{i}},"text":"entry {{i}}"}""", cancellationToken: ct);
        }

        await engine.FlushAsync("log", ct); // the first 100 committed; the next 50 only in the logs
        for (var i = 100; i < 150; i++)
        {
            await engine.IndexAsync("log", $"d{i}", $$"""{"n":{{i}},"text":"entry {{i}}"}""", cancellationToken: ct);
        }

        await engine.DeleteAsync("log", "d3", cancellationToken: ct);
        engine.Crash();

        // A write cut short by the crash: half a record at the end of one log.
        await File.AppendAllTextAsync(Path.Combine(_dir, "log", "0", "translog"), "\u0040\0\0\0garbage", ct);

        using var reopened = new LuceneSearchEngine(_dir);
        await reopened.RefreshAsync("log", ct);
        var all = await reopened.SearchAsync("log", Search("""{"match_all":{}}"""), ct);
        Assert.Equal(149, all.Total);
        Assert.Null(await reopened.GetAsync("log", "d3", ct));
        Assert.Equal("""{"n":149,"text":"entry 149"}""", (await reopened.GetAsync("log", "d149", ct))!.Source);
        var next = await reopened.IndexAsync("log", "d149", """{"n":-1}""", cancellationToken: ct);
        Assert.Equal(2, next.Version);
    }

    [Fact]
    public async Task ADocumentLuceneRefuses_Is400_AndIsNotLogged_SoARestartIsClean()
    {
        var ct = TestContext.Current.CancellationToken;
        var engine = new LuceneSearchEngine(_dir);
        await engine.CreateIndexAsync("k", NoAutoRefresh with { Mappings = new Dictionary<string, FieldMapping> { ["code"] = new(MappingType.Keyword) } }, ct);
        await engine.IndexAsync("k", "ok", """{"code":"short"}""", cancellationToken: ct);

        // One keyword term over Lucene's 32,766-byte limit.
        var error = await Assert.ThrowsAsync<SearchException>(() => engine.IndexAsync("k", "huge", $$"""{"code":"{{new string('x', 40_000)}}"}""", cancellationToken: ct));
        Assert.Equal(("illegal_argument_exception", 400), (error.Type, error.Status));
        engine.Crash();

        using var reopened = new LuceneSearchEngine(_dir);
        Assert.NotNull(await reopened.GetAsync("k", "ok", ct));
        Assert.Null(await reopened.GetAsync("k", "huge", ct));
    }

    [Fact]
    public async Task ElasticsearchsRules_VersionsAfterDelete_ArrayGaps_DateOnlyBounds_Coercion()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = new LuceneSearchEngine(_dir);
        await engine.IndexAsync("r", "1", """{"n":1}""", cancellationToken: ct);
        await engine.DeleteAsync("r", "1", cancellationToken: ct);
        var again = await engine.IndexAsync("r", "1", """{"n":1.9,"tags":["new york","city hall"],"day":"2024-06-01T10:00:00Z"}""", new WriteOptions { Refresh = RefreshPolicy.Immediate }, ct);
        Assert.Equal((3L, "created"), (again.Version, again.Result));

        async Task<long> Count(string json) => (await engine.SearchAsync("r", Search(json), ct)).Total;

        Assert.Equal(0, await Count("""{"match_phrase":{"tags":"york city"}}"""));
        Assert.Equal(1, await Count("""{"match_phrase":{"tags":"new york"}}"""));
        Assert.Equal(1, await Count("""{"range":{"day":{"lte":"2024-06-01"}}}"""));
        Assert.Equal(0, await Count("""{"range":{"day":{"lt":"2024-06-01"}}}"""));
        Assert.Equal(1, await Count("""{"term":{"n":1}}"""));
        Assert.Equal(0, await Count("""{"term":{"n":1.5}}"""));
        Assert.Equal(1, await Count("""{"range":{"n":{"gte":0.5,"lte":1.2}}}"""));
        Assert.Equal(0, await Count("""{"range":{"n":{"gt":0.5,"lt":1}}}"""));
        var tooMany = await Assert.ThrowsAsync<SearchException>(() => engine.SearchAsync("r", Search("""{"bool":{"must":{"term":{"n":1}}}}""") with { Query = new TermsQuery("n", [.. Enumerable.Range(0, 70_000).Select(i => FieldValue.Of(i))]) }, ct));
        Assert.Contains("exceeded the allowed maximum", tooMany.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await engine.SearchAsync("r", Search("""{"match_all":{}}""") with { Query = new TermsQuery("n", [.. Enumerable.Range(-1000, 3000).Select(i => FieldValue.Of(i))]) }, ct)).Total);
    }

    [Fact]
    public async Task AGet_NeverMissesAWrite_WhileRefreshesRun()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = new LuceneSearchEngine(_dir);
        await engine.CreateIndexAsync("live", NoAutoRefresh, ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var refreshers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await engine.RefreshAsync("live", CancellationToken.None);
            }
        }, CancellationToken.None)).ToList();

        for (var i = 0; i < 300; i++)
        {
            var written = await engine.IndexAsync("live", $"d{i % 20}", $$"""{"n":{{i}}}""", cancellationToken: ct);
            var read = await engine.GetAsync("live", $"d{i % 20}", ct);
            Assert.NotNull(read);
            Assert.Equal(written.Version, read.Version);
        }

        await stop.CancelAsync();
        await Task.WhenAll(refreshers);
    }

    [Fact]
    public async Task ADeletedIndex_DoesNotComeBack_WhenItsNameIsWrittenAgain()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = new LuceneSearchEngine(_dir);
        await engine.IndexAsync("gone", "old", """{"a":1}""", cancellationToken: ct);
        await engine.DeleteIndexAsync("gone", ct);
        await engine.IndexAsync("gone", "new", """{"a":2}""", new WriteOptions { Refresh = RefreshPolicy.Immediate }, ct);

        Assert.Null(await engine.GetAsync("gone", "old", ct));
        Assert.Equal(1, (await engine.SearchAsync("gone", Search("""{"match_all":{}}"""), ct)).Total);
        Assert.DoesNotContain(Directory.GetDirectories(_dir), d => Path.GetFileName(d).StartsWith("_deleted-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bulk_RunsEachItemOnItsOwn_AndEveryAcknowledgedItemSurvivesACrash()
    {
        var ct = TestContext.Current.CancellationToken;
        var engine = new LuceneSearchEngine(_dir);
        await engine.CreateIndexAsync("bulk", NoAutoRefresh with { Shards = 3, Mappings = new Dictionary<string, FieldMapping> { ["n"] = new(MappingType.Long) } }, ct);
        await engine.IndexAsync("bulk", "taken", """{"n":0}""", cancellationToken: ct);
        var operations = new List<BulkOperation>();
        operations.AddRange(Enumerable.Range(0, 500).Select(i => new BulkIndex("bulk", $"d{i}", $$"""{"n":{{i}}}""")));
        operations.Add(new BulkIndex("bulk", "bad", """{"n":"not a number"}"""));
        operations.Add(new BulkIndex("bulk", "taken", """{"n":1}""") { Options = new WriteOptions { CreateOnly = true } });
        operations.Add(new BulkIndex("bulk", null, """{"n":7}"""));
        operations.Add(new BulkDelete("bulk", "d0"));
        operations.Add(new BulkDelete("bulk", "never"));
        operations.Add(new BulkDelete("nosuchindex", "x"));

        var results = await engine.BulkAsync(operations, cancellationToken: ct);

        Assert.Equal(operations.Count, results.Count);
        Assert.All(results.Take(500), r => Assert.Equal(201, r.Status));
        Assert.Equal(("mapper_parsing_exception", 400), (results[500].Error!.Type, results[500].Status));
        Assert.Equal(("create", 409), (results[501].Action, results[501].Status));
        Assert.Equal(201, results[502].Status);
        Assert.Equal(20, results[502].Id.Length);
        Assert.Equal(("delete", 200), (results[503].Action, results[503].Status));
        Assert.Equal(404, results[504].Status);
        Assert.Equal(("index_not_found_exception", 404), (results[505].Error!.Type, results[505].Status));
        engine.Crash();

        using var reopened = new LuceneSearchEngine(_dir);
        await reopened.RefreshAsync("bulk", ct);
        var acknowledged = results.Where(r => r.Result is { Result: "created" or "updated" }).Select(r => r.Id).ToList();
        foreach (var id in acknowledged.Where(id => id != "d0"))
        {
            Assert.NotNull(await reopened.GetAsync("bulk", id, ct));
        }

        Assert.Null(await reopened.GetAsync("bulk", "d0", ct));
        Assert.Null(await reopened.GetAsync("bulk", "bad", ct));
        Assert.Equal(501, (await reopened.SearchAsync("bulk", Search("""{"match_all":{}}"""), ct)).Total); // 499 + taken + the auto id
    }

    [Fact]
    public async Task BadInput_IsRefusedInElasticsearchsTerms_AndChangesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        using var engine = new LuceneSearchEngine(_dir);
        await engine.CreateIndexAsync("typed", NoAutoRefresh with { Mappings = new Dictionary<string, FieldMapping> { ["n"] = new(MappingType.Long) } }, ct);

        var badValue = await Assert.ThrowsAsync<SearchException>(() => engine.IndexAsync("typed", "1", """{"n":"many"}""", cancellationToken: ct));
        Assert.Equal("mapper_parsing_exception", badValue.Type);
        Assert.Null(await engine.GetAsync("typed", "1", ct));
        var notObject = await Assert.ThrowsAsync<SearchException>(() => engine.IndexAsync("typed", "1", "[1]", cancellationToken: ct));
        Assert.Equal("mapper_parsing_exception", notObject.Type);
        var window = await Assert.ThrowsAsync<SearchException>(() => engine.SearchAsync("typed", new SearchRequest(new MatchAllQuery()) { From = 9_995, Size = 10 }, ct));
        Assert.Contains("Result window is too large", window.Message, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<SearchException>(() => engine.SearchAsync("nope", Search("""{"match_all":{}}"""), ct));
        Assert.Equal(("index_not_found_exception", 404), (missing.Type, missing.Status));
        var deep = await Assert.ThrowsAsync<SearchException>(() => engine.IndexAsync("typed", "2", string.Concat(Enumerable.Repeat("{\"a\":", 25)) + "1" + new string('}', 25), cancellationToken: ct));
        Assert.Contains("depth", deep.Message, StringComparison.Ordinal);
        var name = await Assert.ThrowsAsync<SearchException>(() => engine.CreateIndexAsync("Bad Name", new IndexDefinition(), ct));
        Assert.Equal("invalid_index_name_exception", name.Type);
        var exists = await Assert.ThrowsAsync<SearchException>(() => engine.CreateIndexAsync("typed", new IndexDefinition(), ct));
        Assert.Equal("resource_already_exists_exception", exists.Type);
    }
}

/// <summary>AddLucene().AddSearch() from settings.</summary>
public sealed class SearchCompositionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-search-compose-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task TheEmbeddedEngine_KeepsIndicesUnderTheDataDirectory()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddDistKit(o => o.DataDir = _dir).AddLucene().AddSearch();
        await using (var provider = services.BuildServiceProvider())
        {
            var engine = provider.GetRequiredService<ISearchEngine>();
            await engine.IndexAsync("composed", "1", """{"a":1}""", cancellationToken: ct);
        }

        Assert.True(File.Exists(Path.Combine(_dir, "search", "composed", "index.json")));
    }

    [Fact]
    public void AnEngineNotRegistered_StopsTheAppNamingTheSetting()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddDistKit(o => o.DataDir = _dir).AddSearch(o => o.Engine = "elasticsearch");
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Composition.SearchOptions>>().Value);
        Assert.Contains("Capabilities:Search", error.Message, StringComparison.Ordinal);
    }
}
