using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text.Json;
using DistKit.Cli.Conventions;
using DistKit.Ids;
using DistKit.Server;
using DistKit.Server.Settings;
using Microsoft.AspNetCore.Builder;

namespace DistKit.Cli.Bench;

/// <summary>
/// <c>distkit bench ids</c>: ids/s of the Snowflake generator on 1 and 2 threads against the
/// layout's cap (4,096,000 ids/s per node), bytes allocated per id, and ids/s through a node's
/// HTTP API in batches.
/// </summary>
internal static class IdsBench
{
    public static Command Command()
    {
        var count = new Option<long>("--count") { Description = "Ids per measurement (default 20,000,000)", DefaultValueFactory = _ => 20_000_000 };
        var batch = new Option<int>("--batch") { Description = "Ids per HTTP request, 1 to 10,000 (default 1,000)", DefaultValueFactory = _ => 1_000 };
        var concurrency = new Option<int>("--concurrency") { Description = "HTTP requests in flight at once (default 4)", DefaultValueFactory = _ => 4 };
        var node = new Option<string?>("--node") { Description = "Measure this node's HTTP API instead of one started in-process" };
        var json = CliOptions.Json();
        var command = new Command("ids", "Ids/s on 1 and 2 threads vs the Snowflake cap, bytes per id, and ids/s through the HTTP API");
        foreach (var option in new Option[] { count, batch, concurrency, node, json })
        {
            command.Options.Add(option);
        }

        CommandRunner.SetAction(command, async (parseResult, cancellationToken) =>
        {
            var ids = parseResult.GetValue(count);
            var perRequest = parseResult.GetValue(batch);
            var inFlight = parseResult.GetValue(concurrency);
            if (ids < 100_000 || perRequest is < 1 or > 10_000 || inFlight is < 1 or > 256)
            {
                throw new CliException(ExitCodes.Usage, "--count must be at least 100,000, --batch 1 to 10,000, --concurrency 1 to 256");
            }

            var progress = new Progress(parseResult.InvocationConfiguration.Error);
            var layout = IdLayout.Snowflake;
            progress.Report($"1 thread, {ids:N0} ids");
            var one = MeasureGenerator(layout, ids, threads: 1);
            progress.Report($"2 threads, {ids:N0} ids");
            var two = MeasureGenerator(layout, ids, threads: 2);
            progress.Report($"HTTP API, {ids:N0} ids in batches of {perRequest:N0}");
            var http = await MeasureHttpAsync(parseResult.GetValue(node), ids, perRequest, inFlight, cancellationToken);

            var cap = layout.CapacityPerNodePerSecond;
            var result = new IdsBenchResult(
                Layout: layout.Name,
                Ids: ids,
                CapIdsPerSec: cap,
                Threads1IdsPerSec: Math.Round(one.IdsPerSecond),
                Threads1RatioToCap: Math.Round(one.IdsPerSecond / cap, 4),
                Threads2IdsPerSec: Math.Round(two.IdsPerSecond),
                Threads2RatioToCap: Math.Round(two.IdsPerSecond / cap, 4),
                BytesPerId: Math.Round(Math.Max(one.BytesPerId, two.BytesPerId), 4),
                HttpIdsPerSec: Math.Round(http),
                HttpBatch: perRequest,
                HttpConcurrency: inFlight,
                ProcessorCount: Environment.ProcessorCount);

            var stdout = parseResult.InvocationConfiguration.Output;
            if (parseResult.GetValue(json))
            {
                await stdout.WriteLineAsync(JsonSerializer.Serialize(result, Conventions.CliJsonContext.Default.IdsBenchResult));
                return ExitCodes.Ok;
            }

            await stdout.WriteLineAsync($"ids: {layout.Name} layout, cap {cap:N0} ids/s per node, {ids:N0} ids per run, {Environment.ProcessorCount} cores");
            await stdout.WriteLineAsync($"1 thread    {result.Threads1IdsPerSec,14:N0} ids/s   {result.Threads1RatioToCap:F3} of cap");
            await stdout.WriteLineAsync($"2 threads   {result.Threads2IdsPerSec,14:N0} ids/s   {result.Threads2RatioToCap:F3} of cap");
            await stdout.WriteLineAsync($"allocated   {result.BytesPerId,14:F4} bytes/id");
            await stdout.WriteLineAsync($"HTTP API    {result.HttpIdsPerSec,14:N0} ids/s   (batches of {perRequest:N0}, {inFlight} in flight)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static (double IdsPerSecond, double BytesPerId) MeasureGenerator(IdLayout layout, long count, int threads)
    {
        var generator = new SnowflakeIdGenerator(IdGeneratorOptions.Default with { Layout = layout, Node = 1 });

        // Warm up the JIT and the clock path so tiered compilation does not land inside the timing.
        for (var i = 0; i < 200_000; i++)
        {
            _ = generator.NextId();
        }

        var perThread = count / threads;
        var sinks = new long[threads];
        var allocated = new long[threads];
        using var start = new Barrier(threads + 1);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();

            // Counted on the worker's own thread around the loop alone: what the hot path allocates.
            var before = GC.GetAllocatedBytesForCurrentThread();
            long sink = 0;
            for (long i = 0; i < perThread; i++)
            {
                sink ^= generator.NextId();
            }

            allocated[t] = GC.GetAllocatedBytesForCurrentThread() - before;
            sinks[t] = sink;
        })
        { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());

        start.SignalAndWait();
        var clock = MonotonicClock.StartNew();
        workers.ForEach(w => w.Join());
        var elapsed = clock.Elapsed;
        var ids = perThread * threads;
        return (ids / elapsed.TotalSeconds, allocated.Sum() / (double)ids);
    }

    private static async Task<double> MeasureHttpAsync(string? nodeUrl, long count, int batch, int inFlight, CancellationToken cancellationToken)
    {
        string? dataDir = null;
        WebApplication? app = null;
        Uri address;
        if (nodeUrl is null)
        {
            dataDir = Directory.CreateTempSubdirectory("distkit-bench-").FullName;
            app = DistKitNode.Build(NodeSettings.Default.With("Search:Urls", "none") with { Urls = "http://127.0.0.1:0", DataDir = dataDir, LogLevel = "warning" });
            await app.StartAsync(cancellationToken);
            address = DistKitNode.AddressOf(app);
        }
        else
        {
            address = new Uri(nodeUrl);
        }

        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = inFlight, AutomaticDecompression = DecompressionMethods.None })
            {
                BaseAddress = address,
            };
            var path = new Uri($"/v1/ids?count={batch.ToString(CultureInfo.InvariantCulture)}", UriKind.Relative);
            var requests = count / batch;
            long next = 0;
            long received = 0;

            async Task Loop(long limit)
            {
                while (Interlocked.Increment(ref next) <= limit)
                {
                    using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    response.EnsureSuccessStatusCode();
                    var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    Interlocked.Add(ref received, CountIds(body));
                }
            }

            // Warm-up: connections, JIT, the node's generator.
            await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Loop(Math.Min(requests, 200))));
            next = 0;
            received = 0;
            var clock = MonotonicClock.StartNew();
            await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Loop(requests)));
            var elapsed = clock.Elapsed;
            if (received != requests * batch)
            {
                throw new CliException(ExitCodes.Failure, $"the node returned {received:N0} ids for {requests * batch:N0} asked");
            }

            return received / elapsed.TotalSeconds;
        }
        finally
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }

            if (dataDir is not null)
            {
                Directory.Delete(dataDir, recursive: true);
            }
        }
    }

    // Reads the ids as a client would: every string in the "ids" array parsed back to a long.
    private static long CountIds(byte[] body)
    {
        var reader = new Utf8JsonReader(body);
        long count = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.String && System.Buffers.Text.Utf8Parser.TryParse(reader.ValueSpan, out long id, out _) && id > 0)
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>The figures of one <c>distkit bench ids</c> run.</summary>
internal sealed record IdsBenchResult(
    string Layout,
    long Ids,
    double CapIdsPerSec,
    double Threads1IdsPerSec,
    double Threads1RatioToCap,
    double Threads2IdsPerSec,
    double Threads2RatioToCap,
    double BytesPerId,
    double HttpIdsPerSec,
    int HttpBatch,
    int HttpConcurrency,
    int ProcessorCount);
