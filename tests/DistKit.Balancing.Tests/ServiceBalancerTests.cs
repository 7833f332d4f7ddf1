using DistKit.Balancing.Health;
using DistKit.Balancing.Policies;
using DistKit.Balancing.Services;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace DistKit.Balancing.Tests;

/// <summary>A service balancer's plans, passive health, panic mode, slow start and retry budget.</summary>
public sealed class ServiceBalancerTests
{
    private static readonly ServiceEndpoint[] Three = [new("a"), new("b"), new("c")];

    private static ServiceBalancer Make(FakeTimeProvider time, Action<ServiceBalancingOptions>? configure = null, IEnumerable<ServiceEndpoint>? endpoints = null)
    {
        var options = new ServiceBalancingOptions
        {
            Policy = BalancingPolicies.RoundRobin,
            RetryBudget = null,
            Health = new HealthOptions { ConsecutiveFailures = 3, BaseEjection = TimeSpan.FromSeconds(10), MaxEjection = TimeSpan.FromSeconds(25) },
        };
        configure?.Invoke(options);
        var balancer = new ServiceBalancer("orders", options, time);
        balancer.Update(endpoints ?? Three);
        return balancer;
    }

    private static readonly Gen<(int Count, string Policy)> PlanRuns =
        from n in Gen.Choose(1, 25)
        from policy in Gen.Elements(BalancingPolicies.All.ToArray())
        select (n, policy);

    [Property(MaxTest = 200)]
    public Property APlan_TriesEveryEndpointOnce_BeforeItRunsOut() =>
        Prop.ForAll(PlanRuns.ToArbitrary(), run =>
        {
            var balancer = new ServiceBalancer("s", new ServiceBalancingOptions { Policy = run.Policy, RetryBudget = null });
            balancer.Update(Enumerable.Range(0, run.Count).Select(i => new ServiceEndpoint($"e{i}")));
            var plan = balancer.Plan(run.Count % 2 == 0 ? "some-key" : null);
            var tried = new List<string>();
            while (plan.TryNext(out var call))
            {
                tried.Add(call.Endpoint.Address);
                call.Failed();
            }

            Assert.Equal(Enumerable.Range(0, run.Count).Select(i => $"e{i}").Order(), tried.Order());
        });

    [Fact]
    public void FailuresInARow_EjectTheEndpoint_UntilTheEjectionEnds()
    {
        var time = new FakeTimeProvider();
        var balancer = Make(time);
        FailOn(balancer, "b", 3);

        Assert.DoesNotContain("b", FirstPicks(balancer, 30));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Contains("b", FirstPicks(balancer, 30));
    }

    [Fact]
    public void ASuccess_ResetsTheCount()
    {
        var time = new FakeTimeProvider();
        var balancer = Make(time);
        FailOn(balancer, "b", 2);
        SucceedOn(balancer, "b");
        FailOn(balancer, "b", 2);
        Assert.Contains("b", FirstPicks(balancer, 30));
    }

    [Fact]
    public void EjectionsInARow_LastLonger_UpToTheCap()
    {
        var time = new FakeTimeProvider();
        var balancer = Make(time);
        FailOn(balancer, "b", 3);
        time.Advance(TimeSpan.FromSeconds(10));
        FailOn(balancer, "b", 3); // second ejection: 20 s
        time.Advance(TimeSpan.FromSeconds(19));
        Assert.DoesNotContain("b", FirstPicks(balancer, 30));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("b", FirstPicks(balancer, 30));
        FailOn(balancer, "b", 3); // third: 30 s, capped at 25 s
        time.Advance(TimeSpan.FromSeconds(25));
        Assert.Contains("b", FirstPicks(balancer, 30));
    }

    [Fact]
    public void NoMoreThanTheMaxShareIsEjected()
    {
        var time = new FakeTimeProvider();
        var balancer = Make(time, o => o.Health.MaxEjectedShare = 0.34);
        FailOn(balancer, "a", 3);
        FailOn(balancer, "b", 3);
        var picks = FirstPicks(balancer, 60);
        Assert.DoesNotContain("a", picks);
        Assert.Contains("b", picks);
    }

    [Fact]
    public void TooFewHealthy_Panics_AndUsesThemAll()
    {
        var time = new FakeTimeProvider();
        var balancer = Make(time, o =>
        {
            o.Health.MaxEjectedShare = 1;
            o.Health.PanicThreshold = 0.5;
        });
        FailOn(balancer, "a", 3);
        Assert.False(balancer.Plan().Panic);
        FailOn(balancer, "b", 3);
        Assert.True(balancer.Plan().Panic);
        Assert.Equal(["a", "b", "c"], FirstPicks(balancer, 60).Distinct().Order());
    }

    [Fact]
    public void EveryEndpointEjected_WithPanicOff_IsNoEndpoints()
    {
        var time = new FakeTimeProvider();
        var balancer = Make(time, o =>
        {
            o.Health.MaxEjectedShare = 1;
            o.Health.PanicThreshold = 0;
        }, [new ServiceEndpoint("only")]);
        FailOn(balancer, "only", 3);
        Assert.Throws<NoEndpointsException>(() => balancer.Plan());
    }

    [Fact]
    public void ASingleEndpoint_IsNeverLeftUnusable_ByDefault()
    {
        var time = new FakeTimeProvider();
        var balancer = Make(time, endpoints: [new ServiceEndpoint("only")]);
        FailOn(balancer, "only", 3);
        Assert.True(balancer.Plan().Panic);
        Assert.Equal(["only"], FirstPicks(balancer, 5).Distinct());
    }

    [Fact]
    public void ANewEndpoint_SlowStarts_FromItsInitialShare()
    {
        var time = new FakeTimeProvider();
        var balancer = Make(time, o =>
        {
            o.Health.SlowStart = TimeSpan.FromSeconds(60);
            o.Health.SlowStartInitialShare = 0.1;
        });
        balancer.Update([.. Three, new ServiceEndpoint("d")]);
        var early = FirstPicks(balancer, 8000).Count(p => p == "d") / 8000.0;
        time.Advance(TimeSpan.FromSeconds(60));
        var later = FirstPicks(balancer, 8000).Count(p => p == "d") / 8000.0;

        // Round robin gives d a quarter; at first it keeps about a tenth of that.
        Assert.InRange(early, 0.01, 0.05);
        Assert.InRange(later, 0.24, 0.26);
    }

    [Fact]
    public void TheFirstList_DoesNotSlowStart()
    {
        var time = new FakeTimeProvider();
        var balancer = Make(time, o => o.Health.SlowStart = TimeSpan.FromSeconds(60));
        Assert.InRange(FirstPicks(balancer, 3000).Count(p => p == "a") / 3000.0, 0.32, 0.35);
    }

    [Fact]
    public void TheRetryBudget_StopsRetries_WhenSpent()
    {
        var time = new FakeTimeProvider();
        var balancer = Make(time, o => o.RetryBudget = new RetryBudgetOptions { Ratio = 0.5, MinPerSecond = 0 }, Enumerable.Range(0, 10).Select(i => new ServiceEndpoint($"e{i}")));
        var retries = 0;
        for (var call = 0; call < 100; call++)
        {
            var plan = balancer.Plan();
            while (plan.TryNext(out var attempt))
            {
                attempt.Succeeded(); // no ejections: every endpoint stays in use
                if (plan.Attempts > 1)
                {
                    retries++;
                }
            }
        }

        Assert.Equal(50, retries);
    }

    [Fact]
    public void AnUpdate_KeepsWhatIsKnownOfAnAddress_AndForgetsRemovedOnes()
    {
        var time = new FakeTimeProvider();
        var balancer = Make(time);
        FailOn(balancer, "b", 3);
        balancer.Update([new ServiceEndpoint("b"), new ServiceEndpoint("c", 2)]);
        Assert.NotNull(balancer.Status().Single(s => s.Endpoint.Address == "b").EjectedUntil);
        Assert.Equal(["b", "c"], balancer.Status().Select(s => s.Endpoint.Address));
        Assert.Equal(2, balancer.Status().Single(s => s.Endpoint.Address == "c").Endpoint.Weight);
    }

    [Fact]
    public void BeforeDiscoveryAnswers_APlanSaysSo()
    {
        var balancer = new ServiceBalancer("orders");
        var error = Assert.Throws<NoEndpointsException>(() => balancer.Plan());
        Assert.Contains("discovery has not answered yet", error.Message, StringComparison.Ordinal);
    }

    private static List<string> FirstPicks(ServiceBalancer balancer, int count)
    {
        var picks = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            Assert.True(balancer.Plan().TryNext(out var call));
            picks.Add(call.Endpoint.Address);
            call.Abandoned();
        }

        return picks;
    }

    private static void FailOn(ServiceBalancer balancer, string address, int times) => EndOn(balancer, address, times, c => c.Failed());

    private static void SucceedOn(ServiceBalancer balancer, string address) => EndOn(balancer, address, 1, c => c.Succeeded());

    // Walks plans until the endpoint comes up, so the test needs no access to the internals.
    private static void EndOn(ServiceBalancer balancer, string address, int times, Action<ServiceCall> end)
    {
        for (var done = 0; done < times;)
        {
            var plan = balancer.Plan();
            while (plan.TryNext(out var call))
            {
                if (call.Endpoint.Address == address)
                {
                    end(call);
                    done++;
                    break;
                }

                call.Abandoned();
            }
        }
    }
}

/// <summary>What registries and the node accept as a service name and an address.</summary>
public sealed class ServiceNameTests
{
    [Theory]
    [InlineData("http://10.0.0.7:8080", true)]
    [InlineData("https://orders.internal", true)]
    [InlineData("10.0.0.7:8080", true)]
    [InlineData("[::1]:8080", true)]
    [InlineData("orders.internal:443", true)]
    [InlineData("host:99999999999", false)]
    [InlineData("host:0", false)]
    [InlineData("host", false)]
    [InlineData("ftp://host:21", false)]
    [InlineData("http://", false)]
    [InlineData("exa^mple:8080", false)]
    [InlineData("has space:80", false)]
    public void AnAddress_IsAURLOrHostAndPort(string address, bool valid) =>
        Assert.Equal(valid, Discovery.ServiceNames.AddressProblem(address) is null);

    [Fact]
    public async Task TheRegistry_TreatsNamesWithoutCase()
    {
        var registry = new Discovery.InMemoryServiceRegistry();
        await using var _ = await registry.RegisterAsync("Orders", new ServiceEndpoint("http://10.0.0.1:80"), TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Single(await registry.ListAsync("orders", TestContext.Current.CancellationToken));
    }
}
