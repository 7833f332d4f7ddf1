using System.CommandLine;
using System.Text.Json;
using DistKit.Balancing;
using DistKit.Balancing.Discovery;
using DistKit.Cli.Conventions;
using Microsoft.Extensions.DependencyInjection;

namespace DistKit.Cli.Commands;

/// <summary><c>distkit balance register|endpoints</c>: an instance's registration, and a service's endpoints, in the registry on etcd.</summary>
internal sealed partial class BalanceCommands
{
    private static Option<string> EngineOption()
    {
        var engine = new Option<string>("--engine") { Description = "The registry: etcd (address from DISTKIT_ETCD); default etcd", DefaultValueFactory = _ => "etcd" };
        engine.AcceptOnlyFromAmong("etcd");
        return engine;
    }

    private static Command Register()
    {
        var service = new Argument<string>("service") { Description = "The service to join" };
        var address = new Option<string>("--address") { Description = "This instance's address (http://10.0.0.7:8080)", Required = true };
        var weight = new Option<int>("--weight") { Description = "Its weight, 1 to 10,000 (default 1)", DefaultValueFactory = _ => 1 };
        var ttl = CliOptions.Duration("--ttl", TimeSpan.FromSeconds(10), "How long the registration outlives this process if it is killed");
        var engine = EngineOption();
        var json = CliOptions.Json();
        var command = new Command("register", "Register an instance in a service and keep it registered until interrupted (Ctrl-C, SIGTERM); a killed process leaves within --ttl");
        command.Arguments.Add(service);
        foreach (var option in new Option[] { address, weight, ttl, engine, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var name = parseResult.GetValue(service)!;
            var endpoint = CheckedEndpoint(parseResult.GetValue(address)!, parseResult.GetValue(weight));
            if (ServiceNames.Problem(name) is { } problem)
            {
                throw new CliException(ExitCodes.Usage, problem);
            }

            var lease = parseResult.GetValue(ttl);
            if (lease < TimeSpan.FromSeconds(1) || lease > TimeSpan.FromHours(1))
            {
                throw new CliException(ExitCodes.Usage, $"--ttl must be 1s to 1h, got {Core.Duration.Format(lease)}");
            }

            await using var services = await RegistryAsync(parseResult.GetValue(engine)!);
            var registry = services.GetRequiredService<IServiceRegistry>();
            await using var registration = await registry.RegisterAsync(name, endpoint, lease, cancellationToken);
            var stdout = parseResult.InvocationConfiguration.Output;
            await stdout.WriteLineAsync(parseResult.GetValue(json)
                ? JsonSerializer.Serialize(new BalanceRegistration(name, endpoint.Address, endpoint.Weight, registry.Engine, (long)lease.TotalMilliseconds), CliJsonContext.Default.BalanceRegistration)
                : $"registered {endpoint.Address} in {name} on {registry.Engine} (ttl {Core.Duration.Format(lease)}); interrupt to leave");
            await stdout.FlushAsync(cancellationToken);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Interrupted: leave the service below, at once rather than at the end of the TTL.
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Endpoints()
    {
        var service = new Argument<string>("service") { Description = "The service" };
        var watch = new Option<bool>("--watch") { Description = "Print the list again after every change, until interrupted" };
        var engine = EngineOption();
        var json = CliOptions.Json();
        var command = new Command("endpoints", "List a service's endpoints in the registry (with --watch, after every change)");
        command.Arguments.Add(service);
        foreach (var option in new Option[] { watch, engine, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var name = parseResult.GetValue(service)!;
            if (ServiceNames.Problem(name) is { } problem)
            {
                throw new CliException(ExitCodes.Usage, problem);
            }

            await using var services = await RegistryAsync(parseResult.GetValue(engine)!);
            var registry = services.GetRequiredService<IServiceRegistry>();
            var stdout = parseResult.InvocationConfiguration.Output;
            var asJson = parseResult.GetValue(json);
            async Task PrintAsync(IReadOnlyList<ServiceEndpoint> endpoints)
            {
                if (asJson)
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(
                        new BalanceEndpoints(name, registry.Engine, [.. endpoints.Select(e => new BalanceEndpoint(e.Address, e.Weight))]), CliJsonContext.Default.BalanceEndpoints));
                }
                else
                {
                    await stdout.WriteLineAsync(endpoints.Count == 0 ? $"{name}: no endpoints" : $"{name}: {string.Join(" ", endpoints.Select(e => e.Weight == 1 ? e.Address : $"{e.Address}(weight {e.Weight})"))}");
                }

                await stdout.FlushAsync(cancellationToken);
            }

            if (!parseResult.GetValue(watch))
            {
                await PrintAsync(await registry.ListAsync(name, cancellationToken));
                return ExitCodes.Ok;
            }

            try
            {
                await foreach (var endpoints in registry.WatchAsync(name, cancellationToken))
                {
                    await PrintAsync(endpoints);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Interrupted: done.
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static ServiceEndpoint CheckedEndpoint(string address, int weight)
    {
        if (ServiceNames.AddressProblem(address) is { } problem)
        {
            throw new CliException(ExitCodes.Usage, $"--address: {problem}");
        }

        if (weight is < 1 or > EndpointSet.MaxWeight)
        {
            throw new CliException(ExitCodes.Usage, $"--weight must be 1 to {EndpointSet.MaxWeight}, got {weight}");
        }

        return new ServiceEndpoint(address, weight);
    }

    private static async Task<ServiceProvider> RegistryAsync(string engine)
    {
        var settings = CliEngines.Settings();
        CliEngines.RequireConfigured(settings, engine, "--engine");
        return await CliEngines.ComposeAsync(settings, distKit => distKit.AddBalancing(o => o.Engine = engine));
    }
}

/// <summary>What <c>distkit balance register --json</c> prints once registered.</summary>
/// <param name="Service">The service.</param>
/// <param name="Address">The address registered.</param>
/// <param name="Weight">Its weight.</param>
/// <param name="Engine">The registry's engine.</param>
/// <param name="TtlMs">The lease's TTL.</param>
internal sealed record BalanceRegistration(string Service, string Address, int Weight, string Engine, long TtlMs);

/// <summary>What <c>distkit balance endpoints --json</c> prints, once per list.</summary>
/// <param name="Service">The service.</param>
/// <param name="Engine">The registry's engine.</param>
/// <param name="Endpoints">The endpoints, in address order.</param>
internal sealed record BalanceEndpoints(string Service, string Engine, IReadOnlyList<BalanceEndpoint> Endpoints);

/// <summary>One endpoint.</summary>
/// <param name="Address">The address.</param>
/// <param name="Weight">The weight.</param>
internal sealed record BalanceEndpoint(string Address, int Weight);
