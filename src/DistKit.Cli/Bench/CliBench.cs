using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using DistKit.Cli.Conventions;
using StackExchange.Redis;

namespace DistKit.Cli.Bench;

/// <summary>
/// <c>distkit bench cli</c>: how long a shell script waits for <c>distkit lock run</c> and
/// <c>distkit id next</c>, against the tools used in the same place (<c>etcdctl lock</c>,
/// <c>redis-cli SET NX PX</c> + <c>DEL</c>), on the same etcd and Redis, interleaved run by run.
/// </summary>
internal static class CliBench
{
    private const double EtcdTarget = 2.0;
    private const double IdNextTargetMs = 50;

    public static Command Command()
    {
        var runs = new Option<int>("--runs") { Description = "Timed runs of each command, 5 to 500 (default 20); two more each warm up", DefaultValueFactory = _ => 20 };
        var json = CliOptions.Json();
        var command = new Command("cli", "Start-to-exit time of 'distkit lock run' on etcd and Redis against etcdctl lock and redis-cli, and of 'distkit id next' (DISTKIT_ETCD, DISTKIT_REDIS)");
        command.Options.Add(runs);
        command.Options.Add(json);
        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var n = parseResult.GetValue(runs);
            if (n is < 5 or > 500)
            {
                throw new CliException(ExitCodes.Usage, $"--runs must be 5 to 500, got {n}");
            }

            var settings = CliEngines.Settings();
            CliEngines.RequireConfigured(settings, "etcd", "bench cli needs");
            CliEngines.RequireConfigured(settings, "redis", "bench cli needs");
            var etcd = settings.Setting("Engines:Etcd")!.Split(',', StringSplitOptions.TrimEntries)[0];
            var redis = RedisCliArguments(settings.Setting("Engines:Redis")!);
            var (distkit, prefix) = Self();
            var dataDir = Directory.CreateTempSubdirectory("distkit-bench-cli-").FullName;
            var progress = new Progress(parseResult.InvocationConfiguration.Error);
            try
            {
                var name = "distkit-bench-cli-" + Environment.ProcessId;
                Step[] steps =
                [
                    new("lock_run_etcd", [[distkit, .. prefix, "lock", "run", name, "--backend", "etcd", "--", "true"]]),
                    new("etcdctl_lock", [["etcdctl", $"--endpoints={etcd}", "lock", name, "true"]]),
                    new("lock_run_redis", [[distkit, .. prefix, "lock", "run", name, "--backend", "redis", "--", "true"]]),
                    new("redis_cli", [["redis-cli", .. redis.Arguments, "SET", name, "1", "NX", "PX", "15000"], ["redis-cli", .. redis.Arguments, "DEL", name]]),
                    new("id_next", [[distkit, .. prefix, "id", "next", "--count", "1", "--data-dir", dataDir]]),
                ];

                var times = steps.ToDictionary(s => s.Name, _ => new List<double>());
                for (var round = -2; round < n; round++)
                {
                    progress.Report(round < 0 ? "warming up" : $"round {round + 1} of {n}");
                    foreach (var step in steps)
                    {
                        var ms = await TimeAsync(step, redis.Password, cancellationToken);
                        if (round >= 0)
                        {
                            times[step.Name].Add(ms);
                        }
                    }
                }

                var result = CliBenchResult.From(n, distkit, prefix.Length == 0, times, EtcdTarget, IdNextTargetMs);
                var stdout = parseResult.InvocationConfiguration.Output;
                if (parseResult.GetValue(json))
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(result, CliJsonContext.Default.CliBenchResult));
                }
                else
                {
                    await stdout.WriteLineAsync($"median of {n} runs each, same etcd and Redis, interleaved ({(result.Native ? "native" : "JIT-compiled")} CLI)");
                    await stdout.WriteLineAsync($"distkit lock run --backend etcd   {result.LockRunEtcdMs,7:0.0} ms   etcdctl lock          {result.EtcdctlLockMs,7:0.0} ms   {result.LockRunEtcdRatio:0.00}x (target <= {EtcdTarget:0.0}x)");
                    await stdout.WriteLineAsync($"distkit lock run --backend redis  {result.LockRunRedisMs,7:0.0} ms   redis-cli SET NX+DEL  {result.RedisCliMs,7:0.0} ms   {result.LockRunRedisRatio:0.00}x");
                    await stdout.WriteLineAsync($"distkit id next --count 1         {result.IdNextMs,7:0.0} ms   (target <= {IdNextTargetMs:0} ms)");
                    await stdout.WriteLineAsync(result.TargetsMet ? "targets met" : "targets NOT met");
                }

                return ExitCodes.Ok;
            }
            finally
            {
                Directory.Delete(dataDir, recursive: true);
            }
        });
        return command;
    }

    // The CLI measures itself: the small native distkit when this is distkit-node beside it, this
    // native binary otherwise, or `dotnet distkit.dll` when run from a JIT build.
    private static (string Program, string[] Prefix) Self()
    {
        var small = Path.Combine(AppContext.BaseDirectory, "distkit");
        if (File.Exists(small) && Path.GetFileName(Environment.ProcessPath) == NodeBinary.FileName)
        {
            return (small, []);
        }

        var path = Environment.ProcessPath ?? throw new CliException(ExitCodes.Internal, "cannot tell where this program is");
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? (path, [Path.Combine(AppContext.BaseDirectory, "distkit.dll")])
            : (path, []);
    }

    private static (string[] Arguments, string? Password) RedisCliArguments(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        var (host, port) = options.EndPoints.FirstOrDefault() switch
        {
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            DnsEndPoint dns => (dns.Host, dns.Port),
            _ => ("127.0.0.1", 6379),
        };
        return (["-h", host, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], options.Password);
    }

    private static async Task<double> TimeAsync(Step step, string? redisPassword, CancellationToken cancellationToken)
    {
        var clock = MonotonicClock.StartNew();
        foreach (var argv in step.Commands)
        {
            var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in argv.Skip(1))
            {
                start.ArgumentList.Add(arg);
            }

            if (redisPassword is not null)
            {
                // redis-cli reads it from here, so it is on no command line.
                start.Environment["REDISCLI_AUTH"] = redisPassword;
            }

            Process process;
            try
            {
                process = Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new CliException(ExitCodes.Unavailable, $"cannot run '{argv[0]}': {e.Message} (etcdctl: Debian's etcd-client; redis-cli: redis-tools)");
            }

            using (process)
            {
                var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var error = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                if (process.ExitCode != 0)
                {
                    var said = (await error).Trim();
                    throw new CliException(ExitCodes.Failure, $"'{string.Join(' ', argv.Take(4))} …' exited {process.ExitCode}: {(said.Length > 0 ? said.Split('\n')[0] : (await output).Trim())}");
                }
            }
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    private sealed record Step(string Name, string[][] Commands);
}
