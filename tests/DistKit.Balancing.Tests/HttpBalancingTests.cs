using DistKit.Balancing.Http;
using DistKit.Balancing.Policies;
using DistKit.Balancing.Services;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DistKit.Balancing.Tests;

/// <summary>The HttpClient handler against three real Kestrel backends on loopback, one of them failing.</summary>
public sealed class HttpBalancingTests
{
    private const int Failures = 3;

    private static ServiceProvider Services(Backends backends, TimeProvider time, string policy = BalancingPolicies.RoundRobin, Action<BalancingHttpOptions>? http = null, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["DistKit:Balancing:Policy"] = policy,
            ["DistKit:Balancing:Health:ConsecutiveFailures"] = Failures.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DistKit:Balancing:Health:BaseEjection"] = "30s",
        };
        var i = 0;
        foreach (var backend in backends.All)
        {
            settings[$"DistKit:Balancing:Services:orders:Endpoints:{i++}"] = backend.Url;
        }

        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddDistKit(configuration.GetSection("DistKit")).AddBalancing();
        services.AddHttpClient("orders", c => c.BaseAddress = new Uri("http://orders")).AddDistKitBalancing(http);
        return services.BuildServiceProvider(validateScopes: true);
    }

    [Fact(Timeout = 60_000)]
    public async Task AFailingBackend_IsRetriedAround_Ejected_AndTakenBackWhenItRecovers()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(3, ct);
        var time = new FakeTimeProvider();
        await using var services = Services(backends, time);
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");
        backends[2].Failing = true;

        var answers = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            using var response = await client.GetAsync("/who", ct);
            Assert.True(response.IsSuccessStatusCode, $"request {i}: {(int)response.StatusCode}");
            answers.Add(await response.Content.ReadAsStringAsync(ct));
        }

        // Every request answered by a healthy backend; the failing one saw only the failures that ejected it.
        Assert.All(answers, a => Assert.Contains(a, new[] { backends[0].Name, backends[1].Name }));
        Assert.Equal(Failures, backends[2].Hits);
        var status = services.GetRequiredService<ServiceBalancers>().Get("orders").Status();
        Assert.NotNull(status.Single(s => s.Endpoint.Address == backends[2].Url).EjectedUntil);

        backends[2].Failing = false;
        time.Advance(TimeSpan.FromSeconds(30));
        var after = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            after.Add(await client.GetStringAsync("/who", ct));
        }

        Assert.InRange(after.Count(a => a == backends[2].Name), 15, 25);
    }

    [Fact(Timeout = 60_000)]
    public async Task AStoppedBackend_RefusesConnections_AndEvenAPostGoesElsewhere()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(3, ct);
        var time = new FakeTimeProvider();
        await using var services = Services(backends, time);
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");
        await backends[1].DisposeAsync();

        for (var i = 0; i < 30; i++)
        {
            using var response = await client.PostAsync("/who", new StringContent($"n{i}"), ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.IsSuccessStatusCode, $"request {i}: {(int)response.StatusCode} {body}");
            Assert.Matches($"^backend-[02]:n{i}$", body);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task APostAnswered503_IsNotRetried()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(1, ct);
        var time = new FakeTimeProvider();
        await using var services = Services(backends, time);
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");
        backends[0].Failing = true;

        using var response = await client.PostAsync("/who", new StringContent("x"), ct);
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(1, backends[0].Hits);
    }

    [Fact(Timeout = 60_000)]
    public async Task AKey_SendsEveryRequestOfItToOneBackend()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(3, ct);
        var time = new FakeTimeProvider();
        await using var services = Services(backends, time, BalancingPolicies.Maglev);
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");

        foreach (var user in new[] { "user-1", "user-2", "user-3", "user-4" })
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < 10; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/who");
                request.Options.Set(BalancingHttpOptions.Key, user);
                using var response = await client.SendAsync(request, ct);
                seen.Add(await response.Content.ReadAsStringAsync(ct));
            }

            Assert.Single(seen);
        }
    }

    [Fact]
    public async Task AServiceWithNoEndpointsConfigured_AndNoRegistryEntry_FailsWithItsName()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(1, ct);
        await using var services = Services(backends, new FakeTimeProvider());
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");

        var error = await Assert.ThrowsAsync<NoEndpointsException>(() => client.GetAsync("http://billing/who", ct));
        Assert.Contains("'billing'", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task AHungBackend_TimesOutPerAttempt_IsRetriedAround_AndEjected()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(3, ct);
        await using var services = Services(backends, TimeProvider.System, http: o => o.AttemptTimeout = TimeSpan.FromMilliseconds(300));
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");
        backends[1].Hanging = true;

        for (var i = 0; i < 30; i++)
        {
            var answer = await client.GetStringAsync("/who", ct);
            Assert.NotEqual(backends[1].Name, answer);
        }

        // Three timeouts in a row ejected it (30 s): it saw exactly those.
        Assert.Equal(Failures, backends[1].Hits);
    }

    [Fact(Timeout = 60_000)]
    public async Task WhenTheRetryBudgetIsSpent_TheCallerGetsTheRealAnswer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(2, ct);
        var time = new FakeTimeProvider();
        await using var services = Services(backends, time, more: new()
        {
            ["DistKit:Balancing:RetryBudget:Ratio"] = "0",
            ["DistKit:Balancing:RetryBudget:MinPerSecond"] = "0",
            ["DistKit:Balancing:Health:ConsecutiveFailures"] = "0",
        });
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");
        backends[0].Failing = true;
        backends[1].Failing = true;

        using var response = await client.GetAsync("/who", ct);
        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(1, backends[0].Hits + backends[1].Hits);
    }

    [Fact(Timeout = 60_000)]
    public async Task ServiceNames_IgnoreCase_AsUriHostsDo()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var backends = await Backends.StartAsync(1, ct);
        await using var services = Services(backends, new FakeTimeProvider());
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");

        Assert.Equal(backends[0].Name, await client.GetStringAsync("http://ORDERS/who", ct));
    }
}
