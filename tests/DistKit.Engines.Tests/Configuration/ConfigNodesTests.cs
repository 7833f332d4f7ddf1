using DistKit.Configuration;
using DistKit.Configuration.Http;
using DistKit.Testing;

namespace DistKit.Engines.Tests.Configuration;

/// <summary>Two node processes on one shared store serve the same data, and a watcher on one sees a release made through the other.</summary>
public sealed class ConfigNodesTests(PostgresFixture postgres, EtcdFixture etcd) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("distkit-config-nodes-").FullName;

    [Fact(Timeout = 120_000)]
    public Task TwoNodesOnPostgres_AWatcherOnOneSeesAReleaseThroughTheOther() =>
        TwoNodesAsync(new Dictionary<string, string> { ["DISTKIT_POSTGRES"] = postgres.ConnectionString, ["DISTKIT_CONFIG_ENGINE"] = "postgres" }, TestContext.Current.CancellationToken);

    [Fact(Timeout = 120_000)]
    public Task TwoNodesOnEtcd_AWatcherOnOneSeesAReleaseThroughTheOther() =>
        TwoNodesAsync(new Dictionary<string, string> { ["DISTKIT_ETCD"] = etcd.ConnectionString, ["DISTKIT_CONFIG_ENGINE"] = "etcd" }, TestContext.Current.CancellationToken);

    private async Task TwoNodesAsync(IReadOnlyDictionary<string, string> engine, CancellationToken ct)
    {
        var ns = $"nodes/n{Guid.NewGuid():N}";
        await using var a = await DistKitProcess.ServeAsync(Path.Combine(_root, "a"), environment: engine, cancellationToken: ct);
        await using var b = await DistKitProcess.ServeAsync(Path.Combine(_root, "b"), environment: engine, cancellationToken: ct);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var onA = new ConfigNodeClient(http, a.Address);
        var onB = new ConfigNodeClient(http, b.Address);
        await onB.PutAsync(ns, "Flag", ConfigValueType.Text, "off", cancellationToken: ct);

        await using var watch = onA.WatchAsync(ns, cancellationToken: ct).GetAsyncEnumerator(ct);
        Assert.True(await watch.MoveNextAsync());
        Assert.True(watch.Current.IsSnapshot);
        Assert.Equal("off", watch.Current.Changes.Single().Value);

        var releases = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            releases.Add((await onB.PutAsync(ns, "Flag", ConfigValueType.Text, "on " + i, cancellationToken: ct))!.Revision);
        }

        var seen = new List<ConfigEvent>();
        while (seen.Count < 3 && await watch.MoveNextAsync())
        {
            seen.Add(watch.Current);
        }

        Assert.Equal(releases, seen.Select(e => e.Revision));
        Assert.Equal(["on 0", "on 1", "on 2"], seen.Select(e => e.Changes.Single().Value));
        Assert.Equal("on 2", (await onA.GetAsync(ns, "Flag", ct))!.Value);
        Assert.Equal((await onA.ReadAsync(ns, cancellationToken: ct)).Entries, (await onB.ReadAsync(ns, cancellationToken: ct)).Entries);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
