using DistKit.Balancing.Policies;
using Microsoft.Extensions.Time.Testing;

namespace DistKit.Balancing.Tests;

/// <summary>Peak EWMA: slow endpoints are avoided at once and tried again as their average decays.</summary>
public sealed class PeakEwmaTests
{
    private static readonly EndpointSet Two = new([new ServiceEndpoint("fast"), new ServiceEndpoint("slow")]);

    [Fact]
    public void OneSlowAnswer_MakesTheEndpointLoseEveryComparison()
    {
        var time = new FakeTimeProvider();
        var balancer = new PeakEwmaBalancer(Two, new Random(3), time: time);
        Observe(balancer, 0, TimeSpan.FromMilliseconds(10), time);
        Observe(balancer, 1, TimeSpan.FromMilliseconds(100), time);

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal(0, balancer.PickIndex());
        }
    }

    [Fact]
    public void APeakReplacesTheAverage_AFastAnswerOnlyBlendsIn()
    {
        var time = new FakeTimeProvider();
        var load = new EndpointLoad(time);
        load.Observe(Ticks(TimeSpan.FromMilliseconds(10), time));
        load.Observe(Ticks(TimeSpan.FromMilliseconds(200), time));
        Assert.Equal(200, load.Latency.TotalMilliseconds, 3);

        time.Advance(TimeSpan.FromSeconds(1));
        load.Observe(Ticks(TimeSpan.FromMilliseconds(10), time));
        Assert.InRange(load.Latency.TotalMilliseconds, 11, 199);
    }

    [Fact]
    public void AFailureFasterThanTheAverage_DoesNotMakeTheEndpointLookFaster()
    {
        var time = new FakeTimeProvider();
        var load = new EndpointLoad(time);
        load.Observe(Ticks(TimeSpan.FromMilliseconds(100), time));
        load.Observe(Ticks(TimeSpan.FromMilliseconds(1), time), succeeded: false);
        Assert.Equal(100, load.Latency.TotalMilliseconds, 3);
    }

    [Fact]
    public void TheAverageDecays_SoASlowEndpointIsTriedAgain()
    {
        var time = new FakeTimeProvider();
        var load = new EndpointLoad(time, TimeSpan.FromSeconds(10));
        load.Observe(Ticks(TimeSpan.FromMilliseconds(100), time));
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(100 / Math.E, load.Latency.TotalMilliseconds, 3);
    }

    [Fact]
    public void CallsInFlight_RaiseTheCost()
    {
        var time = new FakeTimeProvider();
        var balancer = new PeakEwmaBalancer(Two, new Random(5), time: time);
        Observe(balancer, 0, TimeSpan.FromMilliseconds(10), time);
        Observe(balancer, 1, TimeSpan.FromMilliseconds(30), time);
        var calls = Enumerable.Range(0, 3).Select(_ => balancer.StartOn(0)).ToList(); // 10 ms × 4 > 30 ms × 1
        Assert.Equal(1, balancer.PickIndex());
        calls.ForEach(c => c.Dispose());
    }

    private static void Observe(PeakEwmaBalancer balancer, int index, TimeSpan latency, FakeTimeProvider time) =>
        balancer.LoadOf(index).Observe(Ticks(latency, time));

    private static long Ticks(TimeSpan span, TimeProvider time) => (long)(span.TotalSeconds * time.TimestampFrequency);

    [Fact]
    public void AnUnmeasuredEndpoint_GetsOneCallAtATime_NotAFlood()
    {
        var time = new FakeTimeProvider();
        var balancer = new PeakEwmaBalancer(Two, new Random(9), time: time);
        Observe(balancer, 0, TimeSpan.FromMilliseconds(50), time);

        // Endpoint 1 has never answered: idle it is tried; with a call in flight it loses to any measured one.
        Assert.Equal(1, balancer.PickIndex());
        using var first = balancer.StartOn(1);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(0, balancer.PickIndex());
        }
    }
}
