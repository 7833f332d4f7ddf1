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

        Assert.Equal(3, Volatile.Read(ref calls));
        Assert.Equal(["sh"], monitor.CurrentValue.Cities);
        Assert.Equal(10, request.ServiceProvider.GetRequiredService<IOptionsSnapshot<CheckoutOptions>>().Value.MaxItems);
        Assert.Same(before, request.ServiceProvider.GetRequiredService<IOptionsSnapshot<CheckoutOptions>>().Value);
        using var next = services.CreateScope();
        Assert.Equal(13, next.ServiceProvider.GetRequiredService<IOptionsSnapshot<CheckoutOptions>>().Value.MaxItems);
        (configuration as IDisposable)?.Dispose();
    }

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    public sealed class CheckoutOptions
    {
        public int MaxItems { get; set; }

        public List<string> Cities { get; set; } = [];
    }
}
