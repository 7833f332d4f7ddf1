using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DistKit.Cli.Conventions;
using DistKit.Client;
using DistKit.Core;

namespace DistKit.Cli.Commands;

/// <summary><c>distkit job schedule|get|cancel|list</c>: delayed jobs on a running node.</summary>
internal sealed class JobCommands : ICommandGroup
{
    public string Name => "job";

    public Command Build()
    {
        var group = new Command(Name, "Schedule, show and cancel delayed jobs on a node (HTTP callbacks it fires on time)");
        group.Subcommands.Add(Schedule());
        group.Subcommands.Add(Get());
        group.Subcommands.Add(Cancel());
        group.Subcommands.Add(List());
        return group;
    }

    private static Command Schedule()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var after = new Option<string?>("--in") { Description = "Due after this duration: 3500ms, 30s, 10m, 2h, 1d" };
        var at = new Option<string?>("--at") { Description = "Due at this ISO-8601 time, e.g. 2026-12-01T10:00:00Z" };
        var cron = new Option<string?>("--cron") { Description = "Fire at each occurrence of a cron expression (UTC), e.g. \"*/5 * * * *\"" };
        var http = new Option<string?>("--http") { Description = "Callback URL: a POST whose body is exactly --data" };
        var nats = new Option<string?>("--nats") { Description = "NATS subject to publish --data to" };
        var data = new Option<string?>("--data") { Description = "The payload, JSON, delivered exactly as written" };
        var key = new Option<string?>("--key") { Description = "Business key (order:123:timeout): replaces the unfinished job with the same key" };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Submitting again with this key returns the first job" };
        var attempts = new Option<int?>("--attempts") { Description = "Attempts in all, 1 to 100 (default: the node's, 3)" };
        var timeout = new Option<string?>("--timeout") { Description = "How long one delivery may take, up to 60s (default: the node's, 10s)" };
        var command = new Command("schedule", "Schedule a job and print its id");
        connection.AddTo(command);
        foreach (var option in new Option[] { after, at, cron, http, nats, data, key, idempotencyKey, attempts, timeout, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var whenIn = parseResult.GetValue(after);
            var whenAt = parseResult.GetValue(at);
            var whenCron = parseResult.GetValue(cron);
            if ((whenIn is null ? 0 : 1) + (whenAt is null ? 0 : 1) + (whenCron is null ? 0 : 1) != 1)
            {
                throw new CliException(ExitCodes.Usage, "give exactly one of --in, --at and --cron");
            }

            if (whenIn is not null && !Duration.TryParse(whenIn, out _))
            {
                throw new CliException(ExitCodes.Usage, $"--in: '{whenIn}' is not a duration; write it as 3500ms, 30s, 10m, 2h or 1d");
            }

            if (whenAt is not null && !(whenAt.Contains('T', StringComparison.Ordinal)
                && DateTimeOffset.TryParse(whenAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)))
            {
                throw new CliException(ExitCodes.Usage, $"--at: '{whenAt}' is not an ISO-8601 time such as 2026-12-01T10:00:00Z");
            }

            var url = parseResult.GetValue(http);
            var subject = parseResult.GetValue(nats);
            if ((url is null) == (subject is null))
            {
                throw new CliException(ExitCodes.Usage, "give exactly one of --http and --nats");
            }

            if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            {
                throw new CliException(ExitCodes.Usage, $"--http: '{url}' is not an absolute http or https URL");
            }

            var payload = parseResult.GetValue(data);
            if (payload is not null)
            {
                try
                {
                    using var _ = JsonDocument.Parse(payload);
                }
                catch (JsonException e)
                {
                    throw new CliException(ExitCodes.Usage, $"--data is not JSON: {e.Message.Split(" Path:")[0]}");
                }
            }

            using var client = connection.CreateClient(parseResult);
            var job = await client.ScheduleJobAsync(new NodeJobRequest
            {
                In = whenIn,
                At = whenAt,
                Cron = whenCron,
                Http = url,
                Nats = subject,
                Data = payload,
                Key = parseResult.GetValue(key),
                IdempotencyKey = parseResult.GetValue(idempotencyKey),
                Attempts = parseResult.GetValue(attempts),
                Timeout = parseResult.GetValue(timeout),
            }, cancellationToken);
            var stdout = parseResult.InvocationConfiguration.Output;
            await stdout.WriteLineAsync(parseResult.GetValue(json) ? JsonSerializer.Serialize(job, CliJsonContext.Default.NodeJob) : job.Id);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get() => OneJob("get", "Show a job", (client, id, ct) => client.GetJobAsync(id, ct));

    private static Command Cancel()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var id = new Argument<string?>("id") { Description = "The job's id", Arity = ArgumentArity.ZeroOrOne };
        var key = new Option<string?>("--key") { Description = "Cancel the unfinished job with this business key instead" };
        var command = new Command("cancel", "Cancel a job (by id, or by --key) unless it has finished; prints it as it now is");
        connection.AddTo(command);
        command.Arguments.Add(id);
        command.Options.Add(key);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var jobId = parseResult.GetValue(id);
            var businessKey = parseResult.GetValue(key);
            if ((jobId is null) == (businessKey is null))
            {
                throw new CliException(ExitCodes.Usage, "give a job id or --key, not both");
            }

            using var client = connection.CreateClient(parseResult);
            var job = jobId is not null
                ? await client.CancelJobAsync(jobId, cancellationToken)
                : await client.CancelJobByKeyAsync(businessKey!, cancellationToken);
            await PrintAsync(parseResult, json, job);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List()
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var state = new Option<string?>("--state") { Description = "Only jobs in this state: scheduled, running, succeeded, failed, dead, cancelled" };
        state.AcceptOnlyFromAmong("scheduled", "running", "succeeded", "failed", "dead", "cancelled");
        var limit = new Option<int>("--limit") { Description = "At most this many, 1 to 1000 (default 100)", DefaultValueFactory = _ => 100 };
        var command = new Command("list", "List jobs, soonest due first");
        connection.AddTo(command);
        command.Options.Add(state);
        command.Options.Add(limit);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var n = parseResult.GetValue(limit);
            if (n is < 1 or > 1000)
            {
                throw new CliException(ExitCodes.Usage, $"--limit must be 1 to 1000, got {n}");
            }

            using var client = connection.CreateClient(parseResult);
            var jobs = await client.ListJobsAsync(parseResult.GetValue(state), n, cancellationToken);
            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new NodeJobList(jobs), CliJsonContext.Default.NodeJobList));
                return ExitCodes.Ok;
            }

            foreach (var job in jobs)
            {
                await stdout.WriteLineAsync($"{job.Id}  {job.State,-9}  {job.Due.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}  {job.Target}:{job.Address}{(job.Key is null ? "" : "  key " + job.Key)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command OneJob(string name, string description, Func<NodeClient, string, CancellationToken, Task<NodeJob>> call)
    {
        var connection = new NodeConnection();
        var json = CliOptions.Json();
        var id = new Argument<string>("id") { Description = "The job's id" };
        var command = new Command(name, description);
        connection.AddTo(command);
        command.Arguments.Add(id);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            using var client = connection.CreateClient(parseResult);
            await PrintAsync(parseResult, json, await call(client, parseResult.GetValue(id)!, cancellationToken));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task PrintAsync(ParseResult parseResult, Option<bool> json, NodeJob job)
    {
        var stdout = parseResult.InvocationConfiguration.Output;
        if (parseResult.GetValue(json))
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(job, CliJsonContext.Default.NodeJob));
            return;
        }

        await stdout.WriteLineAsync($"id        {job.Id}");
        await stdout.WriteLineAsync($"state     {job.State}");
        await stdout.WriteLineAsync($"due       {job.Due.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}{(job.Cron is null ? "" : $"  (cron {job.Cron})")}");
        await stdout.WriteLineAsync($"target    {job.Target} {job.Address}");
        await stdout.WriteLineAsync($"attempt   {job.Attempt} of {job.Attempts}");
        if (job.Key is not null)
        {
            await stdout.WriteLineAsync($"key       {job.Key}");
        }

        if (job.LastError is not null)
        {
            await stdout.WriteLineAsync($"error     {job.LastError}");
        }
    }
}
