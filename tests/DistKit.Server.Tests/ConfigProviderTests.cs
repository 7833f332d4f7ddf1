using System.Text;
using DistKit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DistKit.Server.Tests;

public sealed class ConfigProviderTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("distkit-config-cache-").FullName;

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    [Fact(Timeout = 60_000)]
    public async Task OptionsMonitor_SeesEachRelease_WithOneChangeNotificationPerRelease_AndSnapshotsKeepTheirView()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync();
        await node.Http.PutAsync(new Uri("/v1/config/entry?ns=shop/prod&key=Checkout", UriKind.Relative), Json("{\"value\":{\"maxItems\":10,\"cities\":[\"sh\",\"bj\"]}}"), ct);
        var configuration = new ConfigurationBuilder()
            .AddDistKit(o =>
            {
                o.Node = node.Address;
                o.Namespace = "shop/prod";
                o.CacheDirectory = _cache;
            })
            .Build();
        var services = new ServiceCollection().AddOptions().Configure<CheckoutOptions>(configuration.GetSection("Checkout")).BuildServiceProvider();
        var monitor = services.GetRequiredService<IOptionsMonitor<CheckoutOptions>>();
        var calls = 0;
        using var onChange = monitor.OnChange(_ => Interlocked.Increment(ref calls));
        using var request = services.CreateScope();
        var before = request.ServiceProvider.GetRequiredService<IOptionsSnapshot<CheckoutOptions>>().Value;
        Assert.Equal(10, monitor.CurrentValue.MaxItems);
        Assert.Equal(["sh", "bj"], monitor.CurrentValue.Cities);

        for (var i = 1; i <= 3; i++)
        {
            await node.Http.PutAsync(new Uri("/v1/config/entry?ns=shop/prod&key=Checkout", UriKind.Relative), Json($"{{\"value\":{{\"maxItems\":{10 + i},\"cities\":[\"sh\"]}}}}"), ct);
            var expected = 10 + i;
            Assert.True(await Until.TrueAsync(() => monitor.CurrentValue.MaxItems == expected, TimeSpan.FromSeconds(20), ct), $"release {i} did not reach the options");
        }

        // The monitor's value moves just before its listeners run: wait for the third call, then no more.
        Assert.True(await Until.TrueAsync(() => Volatile.Read(ref calls) >= 3, TimeSpan.FromSeconds(20), ct));
        Assert.Equal(3, Volatile.Read(ref calls));
        Assert.Equal(["sh"], monitor.CurrentValue.Cities);
        Assert.Equal(10, request.ServiceProvider.GetRequiredService<IOptionsSnapshot<CheckoutOptions>>().Value.MaxItems);
        Assert.Same(before, request.ServiceProvider.GetRequiredService<IOptionsSnapshot<CheckoutOptions>>().Value);
        using var next = services.CreateScope();
        Assert.Equal(13, next.ServiceProvider.GetRequiredService<IOptionsSnapshot<CheckoutOptions>>().Value.MaxItems);
        (configuration as IDisposable)?.Dispose();
    }

    [Fact(Timeout = 60_000)]
    public async Task GrayRelease_OverHttp_ReachesTheLabelledApp_NotTheOther_AndAbandonTakesItBack()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await InProcessNode.StartAsync();
        await node.Http.PutAsync(new Uri("/v1/config/entry?ns=shop/prod&key=Ratio", UriKind.Relative), Json("{\"value\":\"0.1\"}"), ct);
        IConfigurationRoot App(string id, string zone) => new ConfigurationBuilder()
            .AddDistKit(o =>
            {
                o.Node = node.Address;
                o.Namespace = "shop/prod";
                o.CacheDirectory = Path.Combine(_cache, id);
                o.ClientId = id;
                o.Labels["zone"] = zone;
            })
            .Build();
        var eu = App("pod-eu", "eu");
        var us = App("pod-us", "us");
        try
        {
            using var started = await node.Http.PostAsync(new Uri("/v1/config/gray", UriKind.Relative),
                Json("{\"ns\":\"shop/prod\",\"changes\":[{\"key\":\"Ratio\",\"value\":\"0.5\"}],\"labels\":{\"zone\":\"eu\"}}"), ct);
            Assert.Equal(System.Net.HttpStatusCode.Created, started.StatusCode);
            Assert.True(await Until.TrueAsync(() => eu["Ratio"] == "0.5", TimeSpan.FromSeconds(20), ct), "the gray value did not reach the eu app");

            // A release after the gray reaches both: the us app's view moving proves it was listening all along.
            await node.Http.PutAsync(new Uri("/v1/config/entry?ns=shop/prod&key=Other", UriKind.Relative), Json("{\"value\":\"x\"}"), ct);
            Assert.True(await Until.TrueAsync(() => us["Other"] == "x" && eu["Other"] == "x", TimeSpan.FromSeconds(20), ct));
            Assert.Equal("0.1", us["Ratio"]);
            Assert.Equal("0.5", eu["Ratio"]);
            using var status = System.Text.Json.JsonDocument.Parse(await node.Http.GetStringAsync(new Uri("/v1/config/gray?ns=shop/prod", UriKind.Relative), ct));
            Assert.Equal(["pod-eu"], status.RootElement.GetProperty("seen_by").EnumerateArray().Select(c => c.GetProperty("client").GetString()));

            using var abandoned = await node.Http.PostAsync(new Uri("/v1/config/gray/abandon", UriKind.Relative), Json("{\"ns\":\"shop/prod\"}"), ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, abandoned.StatusCode);
            Assert.True(await Until.TrueAsync(() => eu["Ratio"] == "0.1", TimeSpan.FromSeconds(20), ct), "abandon did not take the gray value back");
        }
        finally
        {
            (eu as IDisposable)?.Dispose();
            (us as IDisposable)?.Dispose();
        }
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    public sealed class CheckoutOptions
    {
        public int MaxItems { get; set; }

        public List<string> Cities { get; set; } = [];
    }
}
