using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using DistKit.Balancing.Composition;
using DistKit.Balancing.Diagnostics;
using DistKit.Balancing.Discovery;
using DistKit.Balancing.Services;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace DistKit.Balancing.Tests;

/// <summary>AddBalancing() from settings, DNS discovery, and the telemetry a service balancer reports.</summary>
public sealed class CompositionTests
{
    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddDistKit(configuration.GetSection("DistKit")).AddBalancing();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Settings_GiveEachServiceItsEndpointsPolicyAndHealth()
    {
        using var provider = Provider(new()
        {
            ["DistKit:Balancing:Policy"] = "peak-ewma",
            ["DistKit:Balancing:Health:ConsecutiveFailures"] = "7",
            ["DistKit:Balancing:Health:SlowStart"] = "30s",
            ["DistKit:Balancing:RetryBudget:Ratio"] = "0.1",
            ["DistKit:Balancing:Services:orders:Endpoints:0"] = "http://10.0.0.1:80",
            ["DistKit:Balancing:Services:orders:Endpoints:1:Address"] = "http://10.0.0.2:80",
            ["DistKit:Balancing:Services:orders:Endpoints:1:Weight"] = "3",
            ["DistKit:Balancing:Services:billing:Policy"] = "maglev",
            ["DistKit:Balancing:Services:search:Dns"] = "search.internal:9200",
        });
        var options = provider.GetRequiredService<IOptions<BalancingOptions>>().Value;

        Assert.Equal("peak-ewma", options.Defaults.Policy);
        Assert.Equal(7, options.Defaults.Health.ConsecutiveFailures);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Defaults.Health.SlowStart);
        Assert.Equal(0.1, options.Defaults.RetryBudget!.Ratio);
        Assert.Equal([new ServiceEndpoint("http://10.0.0.1:80"), new ServiceEndpoint("http://10.0.0.2:80", 3)], options.Services["orders"].Endpoints);
        Assert.Equal("maglev", options.Services["billing"].Policy);
        Assert.Equal("search.internal:9200", options.Services["search"].Dns);
        Assert.Equal("embedded", provider.GetRequiredService<IServiceRegistry>().Engine);
        Assert.Equal("maglev", provider.GetRequiredService<ServiceBalancers>().Get("billing").Policy);
    }

    [Theory]
    [InlineData("DistKit:Balancing:Policy", "fastest", "DistKit:Balancing:Policy")]
    [InlineData("DistKit:Balancing:Health:BaseEjection", "soon", "DistKit:Balancing:Health:BaseEjection")]
    [InlineData("DistKit:Balancing:Health:PanicThreshold", "2", "PanicThreshold")]
    [InlineData("DistKit:Balancing:MaglevTableSize", "65536", "MaglevTableSize")]
    [InlineData("DistKit:Balancing:Services:orders:Dns", "no-port", "Services:orders:Dns")]
    [InlineData("DistKit:Capabilities:Balancing", "zookeeper", "DistKit:Capabilities:Balancing")]
    public void ABadSetting_StopsTheAppNamingItsKey(string key, string value, string named)
    {
        using var provider = Provider(new() { [key] = value });
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BalancingOptions>>().Value);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Dns_GivesEveryAddress_AgainOnlyWhenTheyChange_AndKeepsTheListWhenALookupFails()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        var answers = new Queue<Func<IPAddress[]>>([
            () => [IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.1")],
            () => [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("10.0.0.2")],
            () => throw new SocketException((int)SocketError.TryAgain),
            () => [IPAddress.Parse("10.0.0.1"), IPAddress.IPv6Loopback],
        ]);
        var lookups = 0;
        var dns = new DnsDiscovery("orders.internal", 8080, "http", TimeSpan.FromSeconds(30), time, (_, _) =>
        {
            Interlocked.Increment(ref lookups);
            return Task.FromResult(answers.Dequeue()());
        });

        await using var lists = dns.WatchAsync("orders", ct).GetAsyncEnumerator(ct);
        Assert.True(await lists.MoveNextAsync());
        Assert.Equal(["http://10.0.0.1:8080", "http://10.0.0.2:8080"], lists.Current.Select(e => e.Address));

        // The same addresses in another order, then a failed lookup: nothing new is given.
        var next = lists.MoveNextAsync().AsTask();
        while (Volatile.Read(ref lookups) < 4)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.Yield();
        }

        Assert.True(await next);
        Assert.Equal(["http://10.0.0.1:8080", "http://[::1]:8080"], lists.Current.Select(e => e.Address));
    }

    [Fact]
    public void Telemetry_CountsPicksFailuresEjectionsAndUpdates()
    {
        var measured = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BalancingTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            lock (measured)
            {
                measured[instrument.Name] = measured.GetValueOrDefault(instrument.Name) + value;
            }
        });
        listener.Start();

        var balancer = new ServiceBalancer("telemetry-test", new ServiceBalancingOptions { RetryBudget = null, Health = { ConsecutiveFailures = 2 } });
        balancer.Update([new ServiceEndpoint("only")]);
        for (var i = 0; i < 2; i++)
        {
            Assert.True(balancer.Plan().TryNext(out var call));
            call.Failed();
        }

        Assert.Equal(2, measured["distkit.balancing.picks"]);
        Assert.Equal(2, measured["distkit.balancing.failures"]);
        Assert.Equal(1, measured["distkit.balancing.ejections"]);
        Assert.Equal(1, measured["distkit.balancing.endpoint_updates"]);
    }
}
