using System.CommandLine;
using System.Text.Json;
using DistKit.Cli.Conventions;
using DistKit.Configuration;
using DistKit.Configuration.Http;
using DistKit.Server;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;

namespace DistKit.Cli.Bench;

/// <summary>
/// <c>distkit bench config</c>: from publishing a release to every one of N watching clients (SSE,
/// on a node in this process) having it, release after release; and, as the reference, N etcd
/// watchers of one key receiving a put of the same size, on the etcd at <c>DISTKIT_ETCD</c>.
/// </summary>
internal static class ConfigBench
{
    private const string Ns = "bench/config";

    public static Command Command()
    {
        var clients = new Option<int>("--clients") { Description = "Watching clients, 1 to 10,000 (default 1,000)", DefaultValueFactory = _ => 1000 };
        var releases = new Option<int>("--releases") { Description = "Releases published, one after another, 10 to 100,000 (default 200)", DefaultValueFactory = _ => 200 };
        var size = new Option<int>("--size") { Description = "Bytes of the value each release writes, 16 to 65,536 (default 256)", DefaultValueFactory = _ => 256 };
        var store = new Option<string>("--store") { Description = "The node's store: sqlite (default), postgres (DISTKIT_POSTGRES) or etcd (DISTKIT_ETCD)", DefaultValueFactory = _ => "sqlite" };
        store.AcceptOnlyFromAmong("sqlite", "postgres", "etcd");
        var skipPeer = new Option<bool>("--no-peer") { Description = "Measure DistKit only" };
        var json = CliOptions.Json();
        var command = new Command("config", "Release propagation to N watching clients (SSE) and releases per second, with N etcd watchers as the reference");
        foreach (var option in new Option[] { clients, releases, size, store, skipPeer, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var n = parseResult.GetValue(clients);
            var count = parseResult.GetValue(releases);
            var bytes = parseResult.GetValue(size);
            if (n is < 1 or > 10_000 || count is < 10 or > 100_000 || bytes is < 16 or > 65_536)
            {
                throw new CliException(ExitCodes.Usage, "--clients must be 1 to 10,000, --releases 10 to 100,000, --size 16 to 65,536");
            }

            var engine = parseResult.GetValue(store)!;
            var settings = CliEngines.Settings();
            if (engine != "sqlite")
            {
                CliEngines.RequireConfigured(settings, engine, "--store");
            }

            var etcdUrl = parseResult.GetValue(skipPeer) ? null : settings.Setting("Engines:Etcd")?.Split(',')[0];
            // 2n connections' reads are all woken at once per release; the pool starts with enough threads.
            ThreadPool.GetMinThreads(out var workers, out var io);
            ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
            var progress = new Progress(parseResult.InvocationConfiguration.Error);
            var scratch = Directory.CreateTempSubdirectory("distkit-bench-config-").FullName;
            try
            {
                progress.Report($"DistKit on {engine}: {n} SSE watchers, {count} releases of {bytes} bytes");
                var ours = await MeasureNodeAsync(settings, engine, scratch, n, count, bytes, cancellationToken);
                PropagationFigures? theirs = null;
                if (etcdUrl is not null)
                {
                    progress.Report($"etcd: {n} watchers of one key, {count} puts of {bytes} bytes");
                    theirs = await MeasureEtcdAsync(etcdUrl, n, count, bytes, cancellationToken);
                }

                var result = ConfigBenchResult.From(engine, n, count, bytes, ours, theirs);
                var stdout = parseResult.InvocationConfiguration.Output;
                if (parseResult.GetValue(json))
                {
                    await stdout.WriteLineAsync(JsonSerializer.Serialize(result, CliJsonContext.Default.ConfigBenchResult));
                }
                else
                {
                    await result.WriteTableAsync(stdout);
                }

                return ours.Missed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(scratch, recursive: true);
            }
        });
        return command;
    }

    private static async Task<PropagationFigures> MeasureNodeAsync(Server.Settings.NodeSettings settings, string engine, string scratch, int n, int count, int bytes, CancellationToken cancellationToken)
    {
        settings = settings.With("Capabilities:Config", engine == "sqlite" ? "embedded" : engine).With("Search:Urls", "none") with { Urls = "http://127.0.0.1:0", DataDir = scratch, LogLevel = "warning" };
        var app = DistKitNode.Build(settings);
        await app.StartAsync(cancellationToken);
        try
        {
            var node = DistKitNode.AddressOf(app);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var client = new ConfigNodeClient(http, node);
            var ns = $"{Ns}/{Guid.NewGuid():N}";
            var start = (await client.PutAsync(ns, "Payload", ConfigValueType.Text, Payload(bytes, 0), cancellationToken: cancellationToken))!.Revision;
            var tally = new PropagationTally(n);
            await using var watchers = new SseWatchers(node, tally.Received);
            await watchers.ConnectAsync(n, ns, start, cancellationToken);
            return await RunAsync(tally, n, count, async i =>
            {
                var release = await client.PutAsync(ns, "Payload", ConfigValueType.Text, Payload(bytes, i), cancellationToken: cancellationToken);
                return release!.Revision;
            }, cancellationToken);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private static async Task<PropagationFigures> MeasureEtcdAsync(string url, int n, int count, int bytes, CancellationToken cancellationToken)
    {
        var key = $"distkit-bench/config/{Guid.NewGuid():N}";
        using var channel = GrpcChannel.ForAddress(url);
        using var etcd = new EtcdClient(channel.CreateCallInvoker());
        var tally = new PropagationTally(n);
        await using var watchers = new EtcdWatchers(url, tally.Received);
        await watchers.ConnectAsync(n, key, cancellationToken);
        try
        {
            return await RunAsync(tally, n, count, async i =>
            {
                var put = await etcd.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(Payload(bytes, i)) }, cancellationToken: cancellationToken);
                return put.Header.Revision;
            }, cancellationToken);
        }
        finally
        {
            await etcd.DeleteAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(key) }, cancellationToken: CancellationToken.None);
        }
    }

    // Closed loop: each release goes out once every watcher has the one before, so each figure is
    // one release's propagation, not a queue's.
    private static async Task<PropagationFigures> RunAsync(PropagationTally tally, int n, int count, Func<int, Task<long>> publish, CancellationToken cancellationToken)
    {
        var allReceived = new List<double>(count);
        var missed = 0L;
        var started = TimeProvider.System.GetTimestamp();
        for (var i = 1; i <= count; i++)
        {
            var sent = TimeProvider.System.GetTimestamp();
            var revision = await publish(i);
            var everyone = tally.ExpectAsync(revision, sent);
            try
            {
                await everyone.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System, cancellationToken);
                allReceived.Add(tally.AllReceivedMs(revision)!.Value);
            }
            catch (TimeoutException)
            {
                missed += tally.Missing(revision);
            }
        }

        var elapsed = TimeProvider.System.GetElapsedTime(started);
        allReceived.Sort();
        var receipts = tally.ReceiptMs.Order().ToList();
        return new PropagationFigures(
            Percentile(allReceived, 0.50), Percentile(allReceived, 0.99), allReceived.Count == 0 ? 0 : allReceived[^1],
            Percentile(receipts, 0.50), Percentile(receipts, 0.99),
            count / elapsed.TotalSeconds, missed);
    }

    private static string Payload(int bytes, int release)
    {
        var head = $"release {release} ";
        return head + new string('x', Math.Max(0, bytes - head.Length));
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

/// <summary>What one side did: per release, from send to the last watcher; per receipt; and releases per second, closed loop.</summary>
internal sealed record PropagationFigures(double AllP50Ms, double AllP99Ms, double AllMaxMs, double ReceiptP50Ms, double ReceiptP99Ms, double PerSec, long Missed);
