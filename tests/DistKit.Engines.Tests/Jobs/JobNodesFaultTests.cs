using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using DistKit.Testing;
using Npgsql;

namespace DistKit.Engines.Tests.Jobs;

/// <summary>
/// Real node processes firing jobs from one PostgreSQL (or one Redis) to a real HTTP receiver, with a node killed
/// (SIGKILL) or the database restarted mid-run: every job fires, none is lost, and a job delivered
/// twice carries a higher attempt number the second time. Sized for the suite (jobs due over 8 s);
/// <c>DISTKIT_JOBS_FAULT_SIZE=10000/30</c> runs the issue's full size by hand.
/// </summary>
public sealed class JobNodesFaultTests(PostgresFixture postgres)
{
    private const int Shards = 64;
    private static readonly TimeSpan LeaseTtl = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Liveness = TimeSpan.FromSeconds(90);

    // The issue's full size, run by hand (it is too long for the suite's budget):
    // DISTKIT_JOBS_FAULT_SIZE=10000/30 runs 10,000 jobs due over 30 s.
    private static readonly (int Jobs, TimeSpan Over)? FullSize =
        Environment.GetEnvironmentVariable("DISTKIT_JOBS_FAULT_SIZE")?.Split('/') is [var jobs, var seconds]
            ? (int.Parse(jobs, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(int.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture)))
            : null;

    [Fact(Timeout = 240_000)]
    public async Task ThreeNodes_OneKilledMidRun_EveryJobFires_AndItsShardsMoveWithinTheLeaseTtl()
    {
        var database = await NewDatabaseAsync(postgres.ConnectionString, TestContext.Current.CancellationToken);
        await KillOneOfThreeAsync(PostgresNode(database), TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 240_000)]
    public async Task ThreeNodes_OnRedis_OneKilledMidRun_EveryJobFires_AndItsShardsMoveWithinTheLeaseTtl()
    {
        // A server of its own: the nodes count each other in it. Jobs are data: append-only file on.
        await using var redis = new RedisServer(persistent: true);
        await redis.StartAsync(TestContext.Current.CancellationToken);
        await KillOneOfThreeAsync(
            new Dictionary<string, string> { ["DISTKIT_REDIS"] = redis.ConnectionString, ["DISTKIT_JOBS_ENGINE"] = "redis" },
            TestContext.Current.CancellationToken);
    }

    private static async Task KillOneOfThreeAsync(Dictionary<string, string> engine, CancellationToken ct)
    {
        await using var receiver = new CallbackReceiver();
        var nodes = new List<DistKitProcess.ServeHandle>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                nodes.Add(await StartNodeAsync(engine, ct));
            }

            using var http = new HttpClient();
            Assert.True(await Until.TrueAsync(async () => Covered(await ShardsAsync(http, nodes, ct)) == Shards, Liveness, ct), "the three nodes never owned every shard between them");

            var ids = await ScheduleAsync(http, nodes, receiver.Url, jobs: FullSize?.Jobs ?? 1500, over: FullSize?.Over ?? TimeSpan.FromSeconds(8), ct);
            Assert.True(await Until.TrueAsync(() => receiver.Count >= ids.Count / 3, Liveness, ct));

            var killed = (await ShardsAsync(http, [nodes[0]], ct))[0];
            await nodes[0].KillAsync();
            var sinceKill = Stopwatch.StartNew();
            var survivors = nodes.Skip(1).ToList();
            Assert.True(await Until.TrueAsync(async () => Covered(await ShardsAsync(http, survivors, ct)) == Shards, Liveness, ct), "the survivors never took the dead node's shards");
            var moved = sinceKill.Elapsed;
            TestContext.Current.SendDiagnosticMessage($"{engine["DISTKIT_JOBS_ENGINE"]}: the killed node's {killed.Count} shards moved {moved.TotalSeconds:F2} s after SIGKILL (lease TTL {LeaseTtl.TotalSeconds:F0} s)");

            Assert.True(await Until.TrueAsync(() => receiver.Received.Select(c => c.JobId).Distinct().Count() >= ids.Count, Liveness, ct),
                $"{receiver.Received.Select(c => c.JobId).Distinct().Count()} of {ids.Count} jobs delivered");
            AssertEveryJobOnce_RedeliveriesMarked(ids, receiver);
            TestContext.Current.SendDiagnosticMessage($"{engine["DISTKIT_JOBS_ENGINE"]}: {ids.Count} jobs, {receiver.Count} deliveries, {receiver.Received.Count(c => c.Attempt > 1)} with attempt > 1");
            Assert.NotEmpty(killed);
            // The dead node's leases run out TTL + drift after its last renewal; survivors probe a
            // tenth of the TTL apart. Liveness bound, so generous on a loaded machine.
            var bound = LeaseTtl + TimeSpan.FromMilliseconds(500) + LeaseTtl / 10 + TimeSpan.FromSeconds(3);
            Assert.True(moved <= bound, $"the dead node's {killed.Count} shards moved {moved.TotalSeconds:F1} s after the kill; bound {bound.TotalSeconds:F1} s");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = 240_000)]
    public async Task TwoNodes_PostgresRestartedMidRun_EveryJobFires()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = new PostgresServer();
        await server.StartAsync(ct);
        await using var receiver = new CallbackReceiver();
        var nodes = new List<DistKitProcess.ServeHandle>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                nodes.Add(await StartNodeAsync(PostgresNode(server.ConnectionString), ct));
            }

            using var http = new HttpClient();
            Assert.True(await Until.TrueAsync(async () => Covered(await ShardsAsync(http, nodes, ct)) == Shards, Liveness, ct));
            var ids = await ScheduleAsync(http, nodes, receiver.Url, jobs: FullSize?.Jobs ?? 800, over: FullSize?.Over ?? TimeSpan.FromSeconds(8), ct);
            Assert.True(await Until.TrueAsync(() => receiver.Count >= ids.Count / 3, Liveness, ct));

            await server.KillAsync();
            await server.StartAsync(ct);

            Assert.True(await Until.TrueAsync(() => receiver.Received.Select(c => c.JobId).Distinct().Count() >= ids.Count, Liveness, ct),
                $"{receiver.Received.Select(c => c.JobId).Distinct().Count()} of {ids.Count} jobs delivered");
            AssertEveryJobOnce_RedeliveriesMarked(ids, receiver);
            TestContext.Current.SendDiagnosticMessage($"{ids.Count} jobs through a PostgreSQL restart, {receiver.Count} deliveries, {receiver.Received.Count(c => c.Attempt > 1)} with attempt > 1");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static void AssertEveryJobOnce_RedeliveriesMarked(IReadOnlyCollection<string> ids, CallbackReceiver receiver)
    {
        var byJob = receiver.Received.GroupBy(c => c.JobId).ToDictionary(g => g.Key, g => g.Select(c => c.Attempt).ToList());
        Assert.Equal(ids.Order(), byJob.Keys.Where(ids.Contains).Order());
        // A duplicate is a redelivery after a claim went stale: it carries a higher attempt number.
        // (A job can arrive with attempt 2 alone: the killed node claimed it and died before sending.)
        Assert.All(byJob.Values, attempts => Assert.Equal(attempts.Count, attempts.Distinct().Count()));
    }

    // Nodes are asked one after another, so a shard handed over between two answers can show
    // twice; what a double owner could do wrong, the receiver's record would show.
    private static int Covered(IReadOnlyList<IReadOnlyList<int>> owned) => owned.SelectMany(s => s).Distinct().Count();

    private static async Task<IReadOnlyList<IReadOnlyList<int>>> ShardsAsync(HttpClient http, IEnumerable<DistKitProcess.ServeHandle> nodes, CancellationToken ct)
    {
        var owned = new List<IReadOnlyList<int>>();
        foreach (var node in nodes)
        {
            var view = await http.GetFromJsonAsync<JsonElement>(new Uri(node.Address, "/v1/jobs/shards"), ct);
            owned.Add([.. view.GetProperty("shards").EnumerateArray().Select(s => s.GetInt32())]);
        }

        return owned;
    }

    private static async Task<IReadOnlyList<string>> ScheduleAsync(HttpClient http, List<DistKitProcess.ServeHandle> nodes, Uri callback, int jobs, TimeSpan over, CancellationToken ct)
    {
        // Due from 2 s out (and a millisecond more per job), so scheduling finishes before the
        // first fires on a slow machine too.
        var start = TimeProvider.System.GetUtcNow().AddSeconds(2) + TimeSpan.FromMilliseconds(jobs);
        var ids = new string[jobs];
        await Parallel.ForAsync(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
        {
            var due = start + over * i / jobs;
            using var response = await http.PostAsJsonAsync(
                new Uri(nodes[i % nodes.Count].Address, "/v1/jobs"),
                new Dictionary<string, object> { ["at"] = due.ToString("O"), ["http"] = callback.ToString(), ["data"] = i },
                token);
            response.EnsureSuccessStatusCode();
            ids[i] = (await response.Content.ReadFromJsonAsync<JsonElement>(token)).GetProperty("id").GetString()!;
        });
        return ids;
    }

    private static Task<DistKitProcess.ServeHandle> StartNodeAsync(Dictionary<string, string> engine, CancellationToken ct) =>
        DistKitProcess.ServeAsync(
            Directory.CreateTempSubdirectory("distkit-jobnode-").FullName,
            environment: new Dictionary<string, string>(engine)
            {
                ["DISTKIT_JOBS_LEASE_TTL"] = "3s",
                ["DISTKIT_LOG_LEVEL"] = "warning",
            },
            cancellationToken: ct);

    // Three nodes and the rest of the suite share one server's 100 connections.
    private static Dictionary<string, string> PostgresNode(string connectionString) => new()
    {
        ["DISTKIT_POSTGRES"] = connectionString + ";Maximum Pool Size=15",
        ["DISTKIT_JOBS_ENGINE"] = "postgres",
    };

    private static async Task<string> NewDatabaseAsync(string connectionString, CancellationToken ct)
    {
        // A database of its own: the nodes count each other through the heartbeat table, and shard
        // leases are per database, so other tests' rows must not be in them.
        var name = "jobs_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = NpgsqlDataSource.Create(connectionString))
        await using (var create = admin.CreateCommand($"CREATE DATABASE {name}"))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { Database = name }.ConnectionString;
    }
}
