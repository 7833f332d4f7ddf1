using System.Text.Json;
using DistKit.Server;
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
        var nodes = new List<(Microsoft.AspNetCore.Builder.WebApplication App, HttpClient Http, string Dir)>();
        for (var i = 0; i < 2; i++)
        {
            var dir = Directory.CreateTempSubdirectory("distkit-seg-node-").FullName;
            var app = DistKitNode.Build(NodeSettings.Default with
            {
                Urls = "http://127.0.0.1:0",
                DataDir = dir,
                LogLevel = "warning",
                Engines = new EngineSettings { Postgres = postgres.ConnectionString },
                Ids = new IdSettings { Segments = "postgres" },
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            var address = DistKitNode.AddressOf(app);
            nodes.Add((app, new HttpClient { BaseAddress = address }, dir));
        }

        var taken = await Task.WhenAll(nodes.SelectMany(n => Enumerable.Range(0, 10).Select(async _ =>
        {
            var body = await n.Http.GetStringAsync(new Uri($"/v1/segments/{key}?count=700", UriKind.Relative), TestContext.Current.CancellationToken);
            return JsonDocument.Parse(body).RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToList();
        })));

        var all = taken.SelectMany(t => t).ToList();
        Assert.Equal(14_000, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        foreach (var (app, http, dir) in nodes)
        {
            http.Dispose();
            await app.StopAsync(TestContext.Current.CancellationToken);
            await app.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}
