using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Clients.Elasticsearch.Mapping;
using Elastic.Clients.Elasticsearch.QueryDsl;

namespace DistKit.Server.Tests.SearchApi;

/// <summary>
/// Elasticsearch's official .NET client, unchanged, against the node's search API: it checks the
/// product header and media types itself, so a response it would not take from Elasticsearch fails here.
/// </summary>
public sealed class OfficialClientTests
{
    public sealed record Order(string Id, string City, int Quantity, string Note);

    [Fact]
    public async Task OfficialClient_CreatesBulksSearchesGetsUpdatesDeletesAndCounts()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync();
        var client = new ElasticsearchClient(new ElasticsearchClientSettings(node.SearchAddress!).DefaultIndex("orders"));

        var created = await client.Indices.CreateAsync(new CreateIndexRequest("orders")
        {
            Settings = new IndexSettings { NumberOfShards = 2 },
            Mappings = new TypeMapping
            {
                Properties = new Properties
                {
                    { "city", new KeywordProperty() },
                    { "quantity", new IntegerNumberProperty() },
                    { "note", new TextProperty() },
                },
            },
        }, cancel);
        Assert.True(created.IsValidResponse, created.DebugInformation);

        Order[] orders =
        [
            new("1", "Berlin", 3, "fast delivery please"),
            new("2", "Berlin", 1, "slow is fine"),
            new("3", "Paris", 5, "fast and careful"),
            new("4", "Berlin", 7, "fast"),
        ];
        var bulk = await client.BulkAsync(new BulkRequest("orders")
        {
            Refresh = Refresh.True,
            Operations = [.. orders.Select(o => new BulkIndexOperation<Order>(o) { Id = o.Id })],
        }, cancel);
        Assert.True(bulk.IsValidResponse, bulk.DebugInformation);
        Assert.False(bulk.Errors);
        Assert.Equal(4, bulk.Items.Count);

        var search = await client.SearchAsync<Order>(new SearchRequest<Order>("orders")
        {
            Query = new BoolQuery
            {
                Must = [new MatchQuery { Field = "note", Query = "fast" }],
                Filter = [new TermQuery { Field = "city", Value = "Berlin" }, new NumberRangeQuery { Field = "quantity", Gte = 2 }],
            },
        }, cancel);
        Assert.True(search.IsValidResponse, search.DebugInformation);
        Assert.Equal(2, search.Total);
        Assert.Equal(["1", "4"], search.Hits.Select(h => h.Id).Order());
        Assert.All(search.Documents, d => Assert.Equal("Berlin", d.City));

        var got = await client.GetAsync<Order>("orders", "3", cancel);
        Assert.True(got.Found);
        Assert.Equal(orders[2], got.Source);

        var updated = await client.UpdateAsync<Order, object>(new UpdateRequest<Order, object>("orders", "3") { Doc = new { quantity = 6 } }, cancel);
        Assert.True(updated.IsValidResponse, updated.DebugInformation);
        Assert.Equal(2, updated.Version);
        Assert.Equal(6, (await client.GetAsync<Order>("orders", "3", cancel)).Source!.Quantity);

        var deleted = await client.DeleteAsync(new DeleteRequest("orders", "2") { Refresh = Refresh.True }, cancel);
        Assert.True(deleted.IsValidResponse, deleted.DebugInformation);
        Assert.False((await client.GetAsync<Order>("orders", "2", cancel)).Found);

        var count = await client.CountAsync(new CountRequest("orders"), cancel);
        Assert.True(count.IsValidResponse, count.DebugInformation);
        Assert.Equal(3, count.Count);
    }

    [Fact]
    public async Task OfficialClient_MapsAnElasticsearchErrorToItsServerError()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync();
        var client = new ElasticsearchClient(new ElasticsearchClientSettings(node.SearchAddress!));

        var missing = await client.GetAsync<Order>("nowhere", "1", cancel);

        Assert.False(missing.IsValidResponse);
        Assert.Equal("index_not_found_exception", missing.ElasticsearchServerError?.Error?.Type);
        Assert.Equal(404, missing.ElasticsearchServerError?.Status);
    }
}
