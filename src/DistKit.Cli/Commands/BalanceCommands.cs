using System.CommandLine;
using System.Text.Json;
using DistKit.Balancing.Validation;
using DistKit.Cli.Conventions;

namespace DistKit.Cli.Commands;

/// <summary><c>distkit balance validate</c>: how evenly each balancing policy spreads new clients' first picks.</summary>
internal sealed partial class BalanceCommands : ICommandGroup
{
    public string Name => "balance";

    public Command Build()
    {
        var group = new Command(Name, "Load balancing: validate and simulate measure the policies; register and endpoints use the service registry");
        group.Subcommands.Add(Validate());
        group.Subcommands.Add(Simulate());
        group.Subcommands.Add(Register());
        group.Subcommands.Add(Endpoints());
        return group;
    }

    private static Command Validate()
    {
        var json = CliOptions.Json();
        var endpoints = new Option<int>("--endpoints") { Description = "Endpoints, 2 to 1,000 (default 7)", DefaultValueFactory = _ => 7 };
        var trials = new Option<int>("--trials") { Description = "New clients per policy, 1,000 to 100,000,000 (default 1,000,000)", DefaultValueFactory = _ => 1_000_000 };
        var seed = new Option<int?>("--seed") { Description = "Seed the generator, to repeat a run exactly (default: a fresh seed)" };
        var command = new Command("validate",
            "For each policy, count which endpoint each of N new clients picks first: the naive swap-shuffle against Fisher–Yates (the chapter's experiment), and every other policy; max/mean and a chi-square p-value");
        foreach (var option in new Option[] { endpoints, trials, seed, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var n = parseResult.GetValue(endpoints);
            var count = parseResult.GetValue(trials);
            if (n is < 2 or > 1000 || count is < 1000 or > 100_000_000)
            {
                throw new CliException(ExitCodes.Usage, "--endpoints must be 2 to 1,000 and --trials 1,000 to 100,000,000");
            }

            var random = parseResult.GetValue(seed) is { } fixedSeed ? new Random(fixedSeed) : new Random();
            var results = new List<FirstPickResult>();
            foreach (var policy in FirstPickExperiment.Policies)
            {
                cancellationToken.ThrowIfCancellationRequested();
                results.Add(FirstPickExperiment.Run(policy, n, count, random));
            }

            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new BalanceValidation(n, count, results), CliJsonContext.Default.BalanceValidation));
                return ExitCodes.Ok;
            }

            await stdout.WriteLineAsync($"{n} endpoints, {count} new clients per policy: which endpoint each picked first");
            await stdout.WriteLineAsync($"{"policy",-30}{"max/mean",10}{"chi² p",12}  first-pick counts");
            foreach (var result in results)
            {
                await stdout.WriteLineAsync($"{result.Policy,-30}{result.MaxMeanRatio,10:0.000}{result.ChiSquareP,12:0.####}  {string.Join(" ", result.FirstPositionCounts)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}

/// <summary>What <c>distkit balance validate --json</c> prints.</summary>
/// <param name="Endpoints">Endpoints.</param>
/// <param name="Trials">New clients per policy.</param>
/// <param name="Results">Per policy.</param>
internal sealed record BalanceValidation(int Endpoints, int Trials, IReadOnlyList<FirstPickResult> Results);
