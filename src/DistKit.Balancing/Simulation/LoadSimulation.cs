using DistKit.Balancing.Health;
using DistKit.Balancing.Services;

namespace DistKit.Balancing.Simulation;

/// <summary>
/// A discrete-event simulation of clients calling endpoints through the real service balancers
/// (policy, plans, passive health, retry budget) on simulated time: calls arrive as a Poisson stream,
/// each client picks for its calls, endpoints serve a few at once and queue the rest.
/// </summary>
public static class LoadSimulation
{
    /// <summary>Runs <paramref name="scenario"/> under <paramref name="policy"/> with the seed <paramref name="seed"/>.</summary>
    public static SimulationResult Run(SimulationScenario scenario, string policy, int seed)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var random = new Random(seed);
        var clock = new SimulatedClock();
        var endpoints = scenario.Endpoints.Select((e, i) => new ServiceEndpoint($"endpoint-{i}")).ToList();
        var balancers = Enumerable.Range(0, scenario.Clients).Select(_ =>
        {
            var balancer = new ServiceBalancer("simulated", new ServiceBalancingOptions
            {
                Policy = policy,
                Health = new HealthOptions { BaseEjection = TimeSpan.FromSeconds(10) },
                RetryBudget = new RetryBudgetOptions(),
            }, clock);
            balancer.Update(endpoints);
            return balancer;
        }).ToArray();

        var servers = scenario.Endpoints.Select(e => new Server(e)).ToArray();
        var events = new PriorityQueue<Event, (double, long)>();
        long order = 0;
        void Schedule(Event e) => events.Enqueue(e, (e.AtMs, order++));

        var healthyCapacityPerMs = scenario.Endpoints.Where(e => e.FailureRate == 0).Sum(e => e.Capacity / e.MedianMs);
        var arrivalsPerMs = scenario.Utilization * healthyCapacityPerMs;
        var arrivalAt = 0.0;
        for (var i = 0; i < scenario.Requests; i++)
        {
            arrivalAt += -Math.Log(1 - random.NextDouble()) / arrivalsPerMs;
            Schedule(new Event(arrivalAt, EventKind.Arrival, new Call(i % scenario.Clients, arrivalAt), -1));
        }

        var attempts = new long[servers.Length];
        var latencies = new List<double>(scenario.Requests);
        var errors = 0;
        while (events.TryDequeue(out var next, out _))
        {
            clock.AdvanceTo(next.AtMs);
            switch (next.Kind)
            {
                case EventKind.Arrival:
                    next.Call.Plan = balancers[next.Call.Client].Plan();
                    Attempt(next.Call);
                    break;
                case EventKind.Done:
                    var server = servers[next.Server];
                    server.Busy--;
                    if (server.Waiting.TryDequeue(out var waiting))
                    {
                        Serve(waiting, next.Server);
                    }

                    var call = next.Call;
                    if (!call.Failed)
                    {
                        call.Current!.Succeeded();
                        latencies.Add(clock.NowMs - call.ArrivedMs);
                    }
                    else
                    {
                        call.Current!.Failed();
                        if (call.Plan!.Attempts < scenario.MaxAttempts && call.Plan.Remaining > 0)
                        {
                            Attempt(call);
                        }
                        else
                        {
                            errors++;
                            latencies.Add(clock.NowMs - call.ArrivedMs);
                        }
                    }

                    break;
            }
        }

        void Attempt(Call call)
        {
            if (!call.Plan!.TryNext(out var attempt))
            {
                errors++;
                latencies.Add(clock.NowMs - call.ArrivedMs);
                return;
            }

            call.Current = attempt;
            var index = int.Parse(attempt.Endpoint.Address.AsSpan("endpoint-".Length), System.Globalization.CultureInfo.InvariantCulture);
            attempts[index]++;
            var server = servers[index];
            if (server.Busy < server.Spec.Capacity)
            {
                Serve(call, index);
            }
            else
            {
                server.Waiting.Enqueue(call);
            }
        }

        void Serve(Call call, int index)
        {
            var server = servers[index];
            server.Busy++;
            call.Failed = random.NextDouble() < server.Spec.FailureRate;
            var serviceMs = call.Failed ? 1 : server.Spec.MedianMs * Math.Exp(0.5 * Gaussian(random));
            Schedule(new Event(clock.NowMs + serviceMs, EventKind.Done, call, index));
        }

        latencies.Sort();
        var total = attempts.Sum();
        var shares = attempts.Select(a => total == 0 ? 0 : a / (double)total).ToArray();
        return new SimulationResult(
            policy,
            shares,
            shares.Max() / (1.0 / shares.Length),
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            Percentile(latencies, 0.999),
            errors);
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static double Gaussian(Random random)
    {
        // Box–Muller; 1 − u keeps the log finite.
        var u = 1 - random.NextDouble();
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    private enum EventKind
    {
        Arrival,
        Done,
    }

    private sealed record Event(double AtMs, EventKind Kind, Call Call, int Server);

    private sealed class Call(int client, double arrivedMs)
    {
        public int Client { get; } = client;

        public double ArrivedMs { get; } = arrivedMs;

        public AttemptPlan? Plan { get; set; }

        public ServiceCall? Current { get; set; }

        public bool Failed { get; set; }
    }

    private sealed class Server(SimulatedEndpoint spec)
    {
        public SimulatedEndpoint Spec { get; } = spec;

        public int Busy { get; set; }

        public Queue<Call> Waiting { get; } = new();
    }
}

/// <summary>One policy's figures in one scenario.</summary>
/// <param name="Policy">The policy.</param>
/// <param name="RequestShare">Per endpoint, its share of all attempts.</param>
/// <param name="MaxMeanLoad">The largest share over the mean share.</param>
/// <param name="P50Ms">Median latency of a call (retries included).</param>
/// <param name="P99Ms">99th percentile.</param>
/// <param name="P999Ms">99.9th percentile.</param>
/// <param name="Errors">Calls that failed after their attempts.</param>
public sealed record SimulationResult(string Policy, IReadOnlyList<double> RequestShare, double MaxMeanLoad, double P50Ms, double P99Ms, double P999Ms, int Errors);
