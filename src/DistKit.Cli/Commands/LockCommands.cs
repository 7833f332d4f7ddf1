using System.Diagnostics;
using System.CommandLine;
using System.Globalization;
using DistKit.Cli.Conventions;
using DistKit.Locks;
using DistKit.Client;
using DistKit.Server.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace DistKit.Cli.Commands;

/// <summary><c>distkit lock run</c>: like <c>flock</c>, across machines.</summary>
internal sealed class LockCommands : ICommandGroup
{
    public string Name => "lock";

    public Command Build()
    {
        var group = new Command(Name, "Run commands under a distributed lock");
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
            await using var held = await HoldAsync(engine, parseResult, connection, lockName, waitFor, holdFor, cancellationToken);
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

    // Every backend, the node's included, is built by the composition layer as apps and the node
    // build it; the lock's renewal and loss detection live in the provider's handle (for the node,
    // DistKit's lease renewing through /v1/locks/{name}:renew).
    private static async Task<HeldLock> HoldAsync(string engine, ParseResult parseResult, NodeConnection connection, string name, TimeSpan wait, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var onNode = engine == NodeClient.Engine;
        var settings = onNode ? NodeSettings.Default : CliEngines.Settings();
        if (!onNode)
        {
            CliEngines.RequireConfigured(settings, engine, "--backend");
        }

        var services = await CliEngines.ComposeAsync(settings, distKit =>
        {
            if (onNode)
            {
                distKit.AddNode(node =>
                {
                    node.Url = connection.Address(parseResult);
                    node.Token = connection.TokenOf(parseResult);
                    node.Timeout = wait + TimeSpan.FromSeconds(30);
                });
            }

            distKit.AddLocks(locks =>
            {
                locks.Engine = engine;
                locks.Lease = locks.Lease with { Ttl = ttl };
            });
        });
        try
        {
            var locks = services.GetRequiredService<IDistributedLockProvider>();
            var handle = await locks.CreateLock(name).TryAcquireAsync(wait, cancellationToken)
                ?? throw NotAcquired(name, wait);
            return new HeldLock(name, handle.FencingToken, async () =>
            {
                await handle.DisposeAsync();
                await services.DisposeAsync();
            }, handle.Lost);
        }
        catch
        {
            await services.DisposeAsync();
            throw;
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
