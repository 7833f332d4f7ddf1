using System.CommandLine;
using System.Text.Json;
using DistKit.Cli.Conventions;

namespace DistKit.Cli.Bench;

/// <summary>
/// <c>distkit bench jobs</c>: scheduling and firing throughput, and firing lateness at a steady
/// rate, for DistKit's jobs and for Quartz.NET's ADO.NET store on the same database, in one run.
/// </summary>
internal static class JobsBench
{
    public static Command Command()
    {
        var store = new Option<string>("--store")
        {
            Description = "sqlite (a file in a temporary directory), postgres (DISTKIT_POSTGRES) or redis (DISTKIT_REDIS; Quartz.NET, which has no Redis store, runs on DISTKIT_POSTGRES if set); default postgres",
            DefaultValueFactory = _ => "postgres",
        };
        store.AcceptOnlyFromAmong("sqlite", "postgres", "redis");
        var jobs = new Option<int>("--jobs") { Description = "Jobs in each phase, 100 to 1,000,000 (default 10,000)", DefaultValueFactory = _ => 10_000 };
        var rate = new Option<int>("--rate") { Description = "Jobs per second scheduled (and fired) in the steady phase, 10 to 100,000 (default 2,000)", DefaultValueFactory = _ => 2000 };
        var lead = CliOptions.Duration("--lead", TimeSpan.FromSeconds(1), "How long after it is scheduled each job is due");
        var skipPeer = new Option<bool>("--no-peer") { Description = "Measure DistKit only" };
        var json = CliOptions.Json();
        var command = new Command("jobs", "Job scheduling and firing throughput and firing lateness, with Quartz.NET on the same database as the peer");
        foreach (var option in new Option[] { store, jobs, rate, lead, skipPeer, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var engine = parseResult.GetValue(store)!;
            var n = parseResult.GetValue(jobs);
            var perSecond = parseResult.GetValue(rate);
            var ahead = parseResult.GetValue(lead);
            if (n is < 100 or > 1_000_000 || perSecond is < 10 or > 100_000 || ahead < TimeSpan.FromMilliseconds(100) || ahead > TimeSpan.FromMinutes(1))
            {
                throw new CliException(ExitCodes.Usage, "--jobs must be 100 to 1,000,000, --rate 10 to 100,000, --lead 100ms to 1m");
            }

            // Quartz runs jobs on 32 threads of its own; DistKit's run on the thread pool, given the
            // same 32 from the start instead of growing to them by hill climbing mid-run (on two
            // cores that growth, a thread per half second, is what a burst of firing waits on).
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
            var progress = new Progress(parseResult.InvocationConfiguration.Error);
            var settings = CliEngines.Settings();
            var scratch = Directory.CreateTempSubdirectory("distkit-bench-jobs-").FullName;
            try
            {
                // Where Quartz.NET runs: on the same store, or, for Redis, on PostgreSQL when there is one.
                string? peerEngine = engine, peerConnection;
                if (engine == "sqlite")
                {
                    settings = settings with { DataDir = scratch };
                    peerConnection = $"Data Source={Path.Combine(scratch, "quartz.db")};Pooling=true";
                }
                else
                {
                    CliEngines.RequireConfigured(settings, engine, "--store");
                    peerEngine = settings.IsConfigured("postgres") ? "postgres" : null;
                    peerConnection = settings.Setting("Engines:Postgres");
                }

                // Long enough for the slowest library to drain what it was given, never a hang.
                var patience = TimeSpan.FromSeconds(30) + TimeSpan.FromSeconds(2.0 * n / 100);
                progress.Report($"DistKit on {engine}: {n} jobs stored, {n} fired at once, {n} at {perSecond}/s");
                JobsFigures ours;
                await using (var distKit = new DistKitJobContender(settings, engine == "sqlite" ? Core.Composition.DistKitBuilder.Embedded : engine))
                {
                    ours = await JobsWorkload.RunAsync(distKit, n, perSecond, ahead, patience, cancellationToken);
                }

                JobsFigures? theirs = null;
                string? peer = null;
                if (!parseResult.GetValue(skipPeer) && peerEngine is not null)
                {
                    await using var quartz = new QuartzJobContender(peerEngine, peerConnection!);
                    peer = quartz.Library;
                    progress.Report($"{peer} on {peerEngine}: the same");
                    theirs = await JobsWorkload.RunAsync(quartz, n, perSecond, ahead, patience, cancellationToken);
                }

                var result = JobsBenchResult.From(engine, n, perSecond, ahead, ours, peer, peerEngine, theirs);
                var stdout = parseResult.InvocationConfiguration.Output;
                if (parseResult.GetValue(json))
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(result, CliJsonContext.Default.JobsBenchResult));
                }
                else
                {
                    await result.WriteTableAsync(stdout);
                }

                return result.Lost == 0 ? ExitCodes.Ok : ExitCodes.Failure;
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(scratch, recursive: true);
            }
        });
        return command;
    }
}
