using System.CommandLine;
using System.Text.Json;
using DistKit.Cli.Conventions;
using DistKit.Server;
using DistKit.Server.Settings;
using Microsoft.AspNetCore.Builder;

namespace DistKit.Cli.Bench;

/// <summary>
/// <c>distkit bench locks</c>: uncontended acquire+release/s, then N clients contending for one
/// name (throughput, wait percentiles, fairness, mutual-exclusion violations), for DistKit and for
/// madelson/DistributedLock on the same server in the same run.
/// </summary>
internal static class LocksBench
{
    public static Command Command()
    {
        var backend = new Option<string>("--backend") { Description = "redis (DISTKIT_REDIS), redlock (DISTKIT_REDLOCK), etcd (DISTKIT_ETCD), postgres (DISTKIT_POSTGRES) or node (the node at --node, else one started in-process); default redis", DefaultValueFactory = _ => "redis" };
        backend.AcceptOnlyFromAmong("redis", "redlock", "etcd", "postgres", "node");
        var clients = new Option<int>("--clients") { Description = "Contending clients, each on its own connection, 2 to 64 (default 8)", DefaultValueFactory = _ => 8 };
        var hold = CliOptions.Duration("--hold", TimeSpan.FromMilliseconds(1), "How long each critical section holds the lock");
        var duration = CliOptions.Duration("--duration", TimeSpan.FromSeconds(10), "How long the contended round runs, per library");
        var uncontended = CliOptions.Duration("--uncontended", TimeSpan.FromSeconds(5), "How long one client acquires and releases alone, per library, in 10 rounds paired with the peer's");
        var skipPeer = new Option<bool>("--no-peer") { Description = "Measure DistKit only" };
        var json = CliOptions.Json();
        var node = new Option<string?>("--node") { Description = "With --backend node: the node to measure (default: one started in-process on embedded locks)" };
        var command = new Command("locks", "Lock throughput, wait times and fairness under contention, with DistributedLock on the same server as the peer");
        foreach (var option in new Option[] { backend, clients, hold, duration, uncontended, skipPeer, node, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var engine = parseResult.GetValue(backend)!;
            var n = parseResult.GetValue(clients);
            var holdFor = parseResult.GetValue(hold);
            var runFor = parseResult.GetValue(duration);
            var aloneFor = parseResult.GetValue(uncontended);
            if (n is < 2 or > 64 || holdFor > TimeSpan.FromSeconds(1) || runFor < TimeSpan.FromSeconds(1) || aloneFor < TimeSpan.FromSeconds(1))
            {
                throw new CliException(ExitCodes.Usage, "--clients must be 2 to 64, --hold at most 1s, --duration and --uncontended at least 1s");
            }

            var progress = new Progress(parseResult.InvocationConfiguration.Error);
            var settings = engine == "node" ? NodeSettings.Default : CliEngines.Settings();
            if (engine != "node")
            {
                CliEngines.RequireConfigured(settings, engine, "--backend");
            }

            await using var localNode = engine == "node" && parseResult.GetValue(node) is null ? await LocalNode.StartAsync(cancellationToken) : null;
            var nodeAddress = localNode?.Address ?? (parseResult.GetValue(node) is { } url ? new Uri(url) : null);

            var ours = LockContenders.DistKit(engine, settings, nodeAddress);
            var peer = parseResult.GetValue(skipPeer) ? null : LockContenders.Peer(engine, settings);

            progress.Report($"one client, {Core.Duration.Format(aloneFor)} per library in 10 paired rounds");
            var alone = await LockMeasurement.UncontendedAsync(peer is null ? [ours] : [ours, peer], aloneFor, rounds: 10, cancellationToken);
            progress.Report($"distkit on {engine}: {n} clients for {Core.Duration.Format(runFor)}");
            var crowd = await LockMeasurement.ContendedAsync(ours, n, holdFor, runFor, cancellationToken);
            ContendedFigures? peerCrowd = null;
            if (peer is not null)
            {
                progress.Report($"{peer.Library}: {n} clients for {Core.Duration.Format(runFor)}");
                peerCrowd = await LockMeasurement.ContendedAsync(peer, n, holdFor, runFor, cancellationToken);
            }

            var result = LocksBenchResult.From(engine, n, holdFor, runFor, alone, crowd, peer?.Library, peerCrowd);
            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(result, Conventions.CliJsonContext.Default.LocksBenchResult));
            }
            else
            {
                await result.WriteTableAsync(stdout);
            }

            return result.Violations == 0 && (result.PeerViolations ?? 0) == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>A node on embedded locks in this process, for <c>--backend node</c> without <c>--node</c>.</summary>
    private sealed class LocalNode(WebApplication app, string dataDir) : IAsyncDisposable
    {
        public Uri Address { get; } = DistKitNode.AddressOf(app);

        public static async Task<LocalNode> StartAsync(CancellationToken cancellationToken)
        {
            var dataDir = Directory.CreateTempSubdirectory("distkit-bench-").FullName;
            var app = DistKitNode.Build(NodeSettings.Default.With("Search:Urls", "none") with { Urls = "http://127.0.0.1:0", DataDir = dataDir, LogLevel = "warning" });
            await app.StartAsync(cancellationToken);
            return new LocalNode(app, dataDir);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
