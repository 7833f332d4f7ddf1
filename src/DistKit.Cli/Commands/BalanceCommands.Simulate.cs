using System.CommandLine;
using System.Text.Json;
using DistKit.Balancing.Policies;
using DistKit.Balancing.Simulation;
using DistKit.Cli.Conventions;

namespace DistKit.Cli.Commands;

/// <summary><c>distkit balance simulate</c>: every policy in a discrete-event simulation with one slow and one failing endpoint, and the keyed policies' movement.</summary>
internal sealed partial class BalanceCommands
{
    private static Command Simulate()
    {
        var json = CliOptions.Json();
        var report = new Option<string?>("--report") { Description = "Also write an HTML report with charts to this file" };
        var endpoints = new Option<int>("--endpoints") { Description = "Endpoints, 3 to 100 (default 10)", DefaultValueFactory = _ => 10 };
        var clients = new Option<int>("--clients") { Description = "Clients starting at the same instant, 1 to 1,000 (default 50)", DefaultValueFactory = _ => 50 };
        var requests = new Option<int>("--requests") { Description = "Calls per policy and scenario, 1,000 to 10,000,000 (default 200,000)", DefaultValueFactory = _ => 200_000 };
        var keys = new Option<int>("--keys") { Description = "Keys for the keyed policies' movement, 1,000 to 10,000,000 (default 100,000)", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<int?>("--seed") { Description = "Seed, to repeat a run exactly (default: a fresh seed)" };
        var command = new Command("simulate",
            "Simulate every policy with clients started together and one 10x-slow, then one failing, endpoint: request share, max/mean load, p50/p99/p999 latency, errors; and for keyed policies the keys moved when an endpoint goes or comes");
        foreach (var option in new Option[] { endpoints, clients, requests, keys, seed, report, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var n = parseResult.GetValue(endpoints);
            var c = parseResult.GetValue(clients);
            var r = parseResult.GetValue(requests);
            var k = parseResult.GetValue(keys);
            if (n is < 3 or > 100 || c is < 1 or > 1000 || r is < 1000 or > 10_000_000 || k is < 1000 or > 10_000_000)
            {
                throw new CliException(ExitCodes.Usage, "--endpoints must be 3 to 100, --clients 1 to 1,000, --requests 1,000 to 10,000,000 and --keys 1,000 to 10,000,000");
            }

            var runSeed = parseResult.GetValue(seed) ?? Random.Shared.Next();
            var scenarios = new List<BalanceScenario>();
            foreach (var scenario in SimulationScenario.Standard(n, c, r))
            {
                var results = new List<SimulationResult>();
                foreach (var policy in BalancingPolicies.All)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    results.Add(LoadSimulation.Run(scenario, policy, runSeed));
                }

                scenarios.Add(new BalanceScenario(scenario.Name, [.. scenario.Endpoints.Select(e => new BalanceSimulatedEndpoint(e.MedianMs, e.Capacity, e.FailureRate))], scenario.Utilization, results));
            }

            var keyed = BalancingPolicies.All.Where(BalancingPolicies.IsKeyed).Select(p => KeyMovement.Run(p, n, k)).ToList();
            var simulation = new BalanceSimulation(n, c, r, k, runSeed, scenarios, keyed, new BalanceMaglevTable(n, Balancing.Policies.MaglevBalancer.DefaultTableSize, KeyMovement.MaglevTableSpread(n)));
            if (parseResult.GetValue(report) is { } path)
            {
                await File.WriteAllTextAsync(path, SimulationReport.Html(simulation), cancellationToken);
            }

            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(simulation, CliJsonContext.Default.BalanceSimulation));
                return ExitCodes.Ok;
            }

            await stdout.WriteLineAsync($"{n} endpoints, {c} clients started together, {r} calls per policy (seed {runSeed})");
            foreach (var scenario in scenarios)
            {
                await stdout.WriteLineAsync();
                await stdout.WriteLineAsync($"{scenario.Name}: endpoint 0 is {(scenario.Endpoints[0].FailureRate > 0 ? $"failing {scenario.Endpoints[0].FailureRate:P0} of its calls" : $"{scenario.Endpoints[0].MedianMs / scenario.Endpoints[1].MedianMs:0}x slow")}");
                await stdout.WriteLineAsync($"{"policy",-30}{"share of 0",11}{"max/mean",10}{"p50 ms",9}{"p99 ms",9}{"p999 ms",9}{"errors",8}");
                foreach (var result in scenario.Results)
                {
                    await stdout.WriteLineAsync($"{result.Policy,-30}{result.RequestShare[0],11:P1}{result.MaxMeanLoad,10:0.00}{result.P50Ms,9:0.0}{result.P99Ms,9:0.0}{result.P999Ms,9:0.0}{result.Errors,8}");
                }
            }

            await stdout.WriteLineAsync();
            await stdout.WriteLineAsync($"keyed policies, {k} keys: spread and keys moved (ideal {1.0 / n:P1} on removing one of {n}, {1.0 / (n + 1):P1} on adding one)");
            await stdout.WriteLineAsync($"{"policy",-16}{"max/mean",10}{"moved -1",10}{"moved +1",10}");
            foreach (var result in keyed)
            {
                await stdout.WriteLineAsync($"{result.Policy,-16}{result.MaxMeanKeys,10:0.000}{result.MovedOnRemove,10:P1}{result.MovedOnAdd,10:P1}");
            }

            await stdout.WriteLineAsync($"maglev table of {simulation.MaglevTable.Size} slots: the largest share is {simulation.MaglevTable.MaxMean:0.0000}x the mean");
            if (parseResult.GetValue(report) is { } written)
            {
                await stdout.WriteLineAsync($"report: {written}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>What <c>distkit balance simulate --json</c> prints.</summary>
internal sealed record BalanceSimulation(int Endpoints, int Clients, int Requests, int Keys, int Seed, IReadOnlyList<BalanceScenario> Scenarios, IReadOnlyList<KeyedResult> Keyed, BalanceMaglevTable MaglevTable);

/// <summary>One scenario's endpoints and every policy's figures.</summary>
internal sealed record BalanceScenario(string Name, IReadOnlyList<BalanceSimulatedEndpoint> Endpoints, double Utilization, IReadOnlyList<SimulationResult> Results);

/// <summary>One simulated endpoint.</summary>
internal sealed record BalanceSimulatedEndpoint(double MedianMs, int Capacity, double FailureRate);

/// <summary>How evenly a Maglev table of this size spreads the endpoints.</summary>
internal sealed record BalanceMaglevTable(int Endpoints, int Size, double MaxMean);
