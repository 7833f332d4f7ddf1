using System.Collections.Concurrent;
using DistKit.Configuration;
using DistKit.Configuration.Http;
using DistKit.Configuration.Provider;
using DistKit.Testing;
using DistKit.Testing.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace DistKit.Engines.Tests.Configuration;

/// <summary>
/// An app on the configuration provider against a real node process: it keeps serving what it has
/// when the node is killed, starts from its disk copy while the node is down, catches up when the
/// node is back, and ignores a corrupted copy with a warning.
/// </summary>
public sealed class ConfigProviderFaultTests : IDisposable
{
    private const string Ns = "shop/prod";
    private readonly string _root = Directory.CreateTempSubdirectory("distkit-config-fault-").FullName;

    private string DataDir => Path.Combine(_root, "data");

    private string CacheDir => Path.Combine(_root, "cache");

    [Fact(Timeout = 180_000)]
    public async Task Provider_SurvivesANodeKill_StartsFromItsDiskCopy_AndCatchesUpWhenTheNodeReturns()
    {
        var ct = TestContext.Current.CancellationToken;
        var port = FreePorts.Next();
        var warnings = new ConcurrentQueue<string>();
        using var http = new HttpClient();

        await using (var node = await DistKitProcess.ServeAsync(DataDir, cancellationToken: ct, port: port))
        {
            var client = new ConfigNodeClient(http, node.Address);
            await client.PutAsync(Ns, "Checkout", ConfigValueType.Json, "{\"maxItems\": 10}", cancellationToken: ct);

            using var app = Build(node.Address, warnings);
            Assert.Equal("10", app["Checkout:maxItems"]);
            var changes = 0;
            using var subscription = ChangeToken.OnChange(app.GetReloadToken, () => Interlocked.Increment(ref changes));

            // Each release is one change notification: after two releases, two.
            await client.PutAsync(Ns, "Checkout", ConfigValueType.Json, "{\"maxItems\": 15}", cancellationToken: ct);
            Assert.True(await Until.TrueAsync(() => Volatile.Read(ref changes) >= 1, TimeSpan.FromSeconds(30), ct), "the release did not reach the app");
            Assert.Equal("15", app["Checkout:maxItems"]);
            await client.PutAsync(Ns, "Checkout", ConfigValueType.Json, "{\"maxItems\": 20}", cancellationToken: ct);
            Assert.True(await Until.TrueAsync(() => Volatile.Read(ref changes) >= 2, TimeSpan.FromSeconds(30), ct), "the second release did not reach the app");
            Assert.Equal("20", app["Checkout:maxItems"]);
            Assert.Equal(2, Volatile.Read(ref changes));

            await node.KillAsync();
            Assert.True(await Until.TrueAsync(() => warnings.Any(w => w.Contains("unreachable", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), ct), "the app did not notice the node going away");
            Assert.Equal("20", app["Checkout:maxItems"]);
        }

        // The app restarts while the node is down: it starts from its disk copy.
        using (var restarted = Build(new Uri($"http://127.0.0.1:{port}"), warnings))
        {
            Assert.Equal("20", restarted["Checkout:maxItems"]);
            Assert.Equal("disk", Provider(restarted).Source);

            // The node comes back with a newer release: the app catches up by itself.
            await using var node = await DistKitProcess.ServeAsync(DataDir, cancellationToken: ct, port: port);
            await new ConfigNodeClient(http, node.Address).PutAsync(Ns, "Checkout", ConfigValueType.Json, "{\"maxItems\": 30}", cancellationToken: ct);
            Assert.True(await Until.TrueAsync(() => restarted["Checkout:maxItems"] == "30", TimeSpan.FromSeconds(60), ct), "the app did not catch up once the node was back");
            Assert.Equal("node", Provider(restarted).Source);
        }

        // A corrupted copy is ignored with a warning, never half-read.
        var copy = Directory.GetFiles(CacheDir).Single();
        var bytes = await File.ReadAllBytesAsync(copy, ct);
        bytes[^3] ^= 0x20;
        await File.WriteAllBytesAsync(copy, bytes, ct);
        warnings.Clear();
        var refused = Assert.Throws<InvalidOperationException>(() => Build(new Uri($"http://127.0.0.1:{port}"), warnings));
        Assert.Contains("no usable disk copy", refused.Message, StringComparison.Ordinal);
        Assert.Contains(warnings, w => w.Contains("Ignoring the disk copy", StringComparison.Ordinal) && w.Contains("checksum", StringComparison.Ordinal));
    }

    private ConfigurationRoot Build(Uri node, ConcurrentQueue<string> warnings) => new ConfigurationBuilder()
        .AddDistKit(o =>
        {
            o.Node = node;
            o.Namespace = Ns;
            o.CacheDirectory = CacheDir;
            o.StartupTimeout = TimeSpan.FromSeconds(3);
            o.Logger = new ListLogger(warnings);
        })
        .Build() as ConfigurationRoot ?? throw new InvalidOperationException("ConfigurationBuilder builds a ConfigurationRoot");

    private static DistKitConfigurationProvider Provider(ConfigurationRoot root) => root.Providers.OfType<DistKitConfigurationProvider>().Single();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed class ListLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue(formatter(state, exception));
            }
        }
    }
}
