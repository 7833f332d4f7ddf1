using System.Text.Json;
using DistKit.Server.Tests;
using DistKit.Server.Settings;
using DistKit.Testing;

namespace DistKit.Engines.Tests.Segments;

/// <summary>Two nodes reserving segment blocks in one PostgreSQL never hand out the same id.</summary>
public sealed class NodeSegmentsOnPostgresTests(PostgresFixture postgres)
{
    [Fact(Timeout = 60_000)]
    public async Task TwoNodes_SharingPostgres_HandOutDisjointIds()
    {
        var key = "shared-" + Guid.NewGuid().ToString("N")[..8];
        var nodes = new List<InProcessNode>();
        for (var i = 0; i < 2; i++)
        {
            nodes.Add(await InProcessNode.StartAsync(NodeSettings.Default
                .With("Engines:Postgres", postgres.ConnectionString)
                .With("Ids:Segments", "postgres")));
        }

        var taken = await Task.WhenAll(nodes.SelectMany(n => Enumerable.Range(0, 10).Select(async _ =>
        {
            var body = await n.Http.GetStringAsync(new Uri($"/v1/segments/{key}?count=700", UriKind.Relative), TestContext.Current.CancellationToken);
            return JsonDocument.Parse(body).RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToList();
        })));

        var all = taken.SelectMany(t => t).ToList();
        Assert.Equal(14_000, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}
