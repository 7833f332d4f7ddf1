namespace DistKit.Balancing.Simulation;

/// <summary>One simulated endpoint: log-normal service times, a number of calls it serves at once (more wait in its queue), a share of calls it fails.</summary>
/// <param name="MedianMs">Median service time.</param>
/// <param name="Capacity">Calls served at once.</param>
/// <param name="FailureRate">Share of calls answered with an error (after 1 ms).</param>
public sealed record SimulatedEndpoint(double MedianMs, int Capacity, double FailureRate);

/// <summary>A simulation: endpoints, clients that all start at the same instant, and a Poisson stream of calls spread over them.</summary>
/// <param name="Name">The scenario's name.</param>
/// <param name="Endpoints">The endpoints.</param>
/// <param name="Clients">Clients, each with its own balancer (its own random start, its own view of calls in flight).</param>
/// <param name="Requests">Calls in all.</param>
/// <param name="Utilization">Offered load as a share of the healthy endpoints' capacity.</param>
/// <param name="MaxAttempts">Attempts per call, the first included.</param>
public sealed record SimulationScenario(string Name, IReadOnlyList<SimulatedEndpoint> Endpoints, int Clients, int Requests, double Utilization, int MaxAttempts = 2)
{
    /// <summary>
    /// The standard pair over n endpoints of 10 ms serving 4 calls at once: one endpoint 10× slower
    /// (a remote zone, a GC-bound instance: each call takes 10× longer, but it serves 10× as many at
    /// once, so its throughput is the others' and no policy overloads it — the difference is latency);
    /// and one endpoint that accepts every call and fails it at once (a broken deploy).
    /// </summary>
    public static IReadOnlyList<SimulationScenario> Standard(int endpoints, int clients, int requests)
    {
        SimulatedEndpoint Healthy() => new(10, 4, 0);
        var slow = Enumerable.Range(0, endpoints).Select(i => i == 0 ? new SimulatedEndpoint(100, 40, 0) : Healthy()).ToList();
        var failing = Enumerable.Range(0, endpoints).Select(i => i == 0 ? new SimulatedEndpoint(10, 4, 1) : Healthy()).ToList();
        return
        [
            new("one-slow", slow, clients, requests, 0.6),
            new("one-failing", failing, clients, requests, 0.6),
        ];
    }
}
