using System.Diagnostics;
using System.CommandLine;
using System.Globalization;
using DistKit.Cli.Client;
using DistKit.Cli.Conventions;
using DistKit.Core.Leases;
using DistKit.Locks;
using DistKit.Etcd.Locks;
using DistKit.Postgres.Locks;
using DistKit.Redis.Locks;
using DistKit.Server.Engines;
using DistKit.Server.Locks;
using DistKit.Server.Settings;

namespace DistKit.Cli.Commands;

/// <summary><c>distkit lock run</c>: like <c>flock</c>, across machines.</summary>
internal sealed class LockCommands : ICommandGroup
{
    public Command Build()
    {
        var group = new Command("lock", "Run commands under a distributed lock");
        group.Subcommands.Add(Run());
        return group;
    }

    private static Command Run()
    {
        var name = new Argument<string>("name") { Description = "The lock's name" };
        var command = new Argument<string[]>("command") { Description = "The command to run while holding the lock (after --)", Arity = ArgumentArity.OneOrMore };
        var backend = new Option<string>("--backend") { Description = "node (the lock service of the node at --node), redis (DISTKIT_REDIS), redlock (DISTKIT_REDLOCK), etcd (DISTKIT_ETCD) or postgres (DISTKIT_POSTGRES); default node", DefaultValueFactory = _ => "node" };
        backend.AcceptOnlyFromAmong("node", "redis", "redlock", "etcd", "postgres");
        var wait = CliOptions.Duration("--wait", TimeSpan.FromSeconds(30), "How long to wait for the lock");
        var ttl = CliOptions.Duration("--ttl", TimeSpan.FromSeconds(15), "How long the lock outlives this process if it dies; renewed at a third of it while the command runs");
        var connection = new NodeConnection();
        var run = new Command("run", "Hold a lock while a command runs, export DISTKIT_FENCING_TOKEN to it, and return its exit code (75 when the lock was not acquired within --wait or was lost)");
        run.Arguments.Add(name);
        run.Arguments.Add(command);
        run.Options.Add(backend);
        run.Options.Add(wait);
        run.Options.Add(ttl);
        connection.AddTo(run);
        CommandRunner.SetAction(run, async (parseResult, cancellationToken) =>
        {
            var lockName = parseResult.GetValue(name)!;
            var argv = parseResult.GetValue(command)!;
            var waitFor = parseResult.GetValue(wait);
            var holdFor = parseResult.GetValue(ttl);
            if (holdFor < TimeSpan.FromSeconds(1))
            {
                throw new CliException(ExitCodes.Usage, "--ttl must be at least 1s");
            }

            var engine = parseResult.GetValue(backend)!;
            await using var held = engine == "node"
                ? await HoldOnNodeAsync(connection.CreateClient(parseResult, waitFor + TimeSpan.FromSeconds(30)), lockName, waitFor, holdFor, cancellationToken)
                : await HoldOnEngineAsync(engine, lockName, waitFor, holdFor, cancellationToken);
            return await RunHoldingAsync(parseResult, held, argv, cancellationToken);
        });
        return run;
    }

    private static async Task<int> RunHoldingAsync(ParseResult parseResult, HeldLock held, string[] argv, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(argv[0]) { UseShellExecute = false };
        foreach (var arg in argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DISTKIT_FENCING_TOKEN"] = held.FencingToken.ToString(CultureInfo.InvariantCulture);
        Process child;
        try
        {
            child = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CliException(127, $"cannot run '{argv[0]}': {e.Message}");
        }

        using (child)
        {
            var exited = child.WaitForExitAsync(CancellationToken.None);
            var lost = Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, held.Lost);
            var interrupted = Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
            var first = await Task.WhenAny(exited, lost, interrupted);
            if (first == exited)
            {
                return child.ExitCode;
            }

            // The command must not go on without the lock (or after Ctrl+C): stop it.
            child.Kill(entireProcessTree: true);
            await exited;
            if (first == lost)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"distkit: lock '{held.Name}' was lost while the command ran; the command was stopped");
                return ExitCodes.TempFail;
            }

            return ExitCodes.Interrupted;
        }
    }

    // Redis, etcd and PostgreSQL: the lock's renewal and loss detection live in the backend's handle.
    private static async Task<HeldLock> HoldOnEngineAsync(string engine, string name, TimeSpan wait, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var settings = CliEngines.Settings();
        var engines = new EngineConnections(settings);
        try
        {
            var lease = LeaseOptions.Default with { Ttl = ttl };
            IDistributedLockProvider locks = engine switch
            {
                EngineNames.Redis => new RedisLockProvider(await engines.RedisAsync(), RedisLockOptions.Default with { Lease = lease }),
                EngineNames.Redlock => new RedlockProvider(await engines.RedlockAsync(), RedlockOptions.Default with { Lease = lease }),
                EngineNames.Etcd => new EtcdLockProvider(await engines.EtcdAsync(), lease),
                _ => new PostgresLockProvider(settings.Postgres ?? throw new InvalidOperationException("no postgres connection is configured (DISTKIT_POSTGRES)")),
            };
            var handle = await locks.CreateLock(name).TryAcquireAsync(wait, cancellationToken)
                ?? throw NotAcquired(name, wait);
            return new HeldLock(name, handle.FencingToken, async () =>
            {
                await handle.DisposeAsync();
                await engines.DisposeAsync();
            }, handle.Lost);
        }
        catch (InvalidOperationException e)
        {
            await engines.DisposeAsync();
            throw new CliException(ExitCodes.Config, $"--backend {engine}: {e.Message}");
        }
        catch
        {
            await engines.DisposeAsync();
            throw;
        }
    }

    private static async Task<HeldLock> HoldOnNodeAsync(NodeClient client, string name, TimeSpan wait, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var path = $"v1/locks/{Uri.EscapeDataString(name)}";
        var ttlMs = (long)ttl.TotalMilliseconds;
        LockGrant grant;
        try
        {
            grant = await client.PostAsync<AcquireRequest, LockGrant>($"{path}:acquire", new AcquireRequest(ttlMs, (long)wait.TotalMilliseconds), cancellationToken);
        }
        catch (NodeApiException e) when (e.Status == 409)
        {
            client.Dispose();
            throw NotAcquired(name, wait);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        // Renew at a third of the TTL; lost when the node says the token is gone, or when no
        // renewal got through for a whole TTL (node down, partition).
        var lost = new CancellationTokenSource();
        var stop = new CancellationTokenSource();
        var renewing = Task.Run(() => RenewUntilStoppedAsync(client, path, grant.Token, ttl, lost, stop.Token), CancellationToken.None);

        return new HeldLock(name, grant.FencingToken, async () =>
        {
            await stop.CancelAsync();
            await renewing;
            try
            {
                if (!lost.IsCancellationRequested)
                {
                    await client.PostAsync<TokenRequest, LockReleased>($"{path}:release", new TokenRequest(grant.Token, null), CancellationToken.None);
                }
            }
            catch (Exception e) when (e is NodeApiException or HttpRequestException or TaskCanceledException)
            {
                // The node expires it after the TTL anyway.
            }

            client.Dispose();
            lost.Dispose();
            stop.Dispose();
        }, lost.Token);
    }

    private static async Task RenewUntilStoppedAsync(NodeClient client, string path, string token, TimeSpan ttl, CancellationTokenSource lost, CancellationToken stop)
    {
        var ttlMs = (long)ttl.TotalMilliseconds;
        var lastSuccess = MonotonicClock.StartNew();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(ttl / 3, TimeProvider.System, stop);
                await client.PostAsync<TokenRequest, LockGrant>($"{path}:renew", new TokenRequest(token, ttlMs), stop);
                lastSuccess = MonotonicClock.StartNew();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (NodeApiException e) when (e.Status == 409)
            {
                await lost.CancelAsync();
                return;
            }
            catch (Exception) when (lastSuccess.Elapsed < ttl)
            {
                // Transient: try again while the lock is still ours.
            }
            catch (Exception)
            {
                await lost.CancelAsync();
                return;
            }
        }
    }

    private static CliException NotAcquired(string name, TimeSpan wait) =>
        new(ExitCodes.TempFail, $"lock '{name}' is held elsewhere; not acquired within {Core.Duration.Format(wait)}");

    private sealed class HeldLock(string name, long fencingToken, Func<ValueTask> release, CancellationToken lost) : IAsyncDisposable
    {
        public string Name => name;

        public long FencingToken => fencingToken;

        public CancellationToken Lost => lost;

        public ValueTask DisposeAsync() => release();
    }
}
