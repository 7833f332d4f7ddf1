using System.Diagnostics;
using System.Globalization;
using DistKit.Core.Leases;
using DistKit.Etcd.Leases;
using DistKit.Ids;
using DistKit.Ids.Workers;
using DistKit.Postgres.Leases;
using DistKit.Redis.Leases;
using DistKit.Testing;
using Npgsql;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Ids;

/// <summary>`distkit id next --worker-from ENGINE` in real processes against real servers.</summary>
public sealed class WorkerIdProcessTests(RedisFixture redis, EtcdFixture etcd, PostgresFixture postgres) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-worker-proc-").FullName;

    // Two worker ids, so two live processes take both; and one with a single id for take-over timing.
    private static readonly IdLayout TwoWorkers = IdLayout.Parse("epoch=2020-01-01T00:00:00Z,unit=1ms,time=41,worker=1,sequence=12");
    private static readonly IdLayout OneWorker = IdLayout.Parse("epoch=2020-01-01T00:00:00Z,unit=1ms,time=41,worker=0,sequence=12");

    private Dictionary<string, string> Environment() => new()
    {
        ["DISTKIT_REDIS"] = redis.ConnectionString,
        ["DISTKIT_ETCD"] = etcd.ConnectionString,
        ["DISTKIT_POSTGRES"] = postgres.ConnectionString,
    };

    [Theory(Timeout = 120_000)]
    [InlineData("redis")]
    [InlineData("etcd")]
    [InlineData("postgres")]
    public async Task TwoProcesses_TakeDifferentWorkerIds_AndNeverIssueTheSameId(string engine)
    {
        // Separate data directories: the processes share nothing but the engine, like two machines.
        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => DistKitProcess.RunAsync(
            ["id", "next", "--worker-from", engine, "--layout", TwoWorkers.ToSpec(), "--count", "2000000", "--lease-ttl", "2s", "--data-dir", Path.Combine(_dir, engine + i)],
            Environment(), timeout: TimeSpan.FromSeconds(90), cancellationToken: TestContext.Current.CancellationToken)));

        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Stderr));
        var ids = runs.Select(r => r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => long.Parse(l, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.NotEqual(TwoWorkers.Decode(ids[0][0]).Node, TwoWorkers.Decode(ids[1][0]).Node);
        var all = ids.SelectMany(x => x).ToArray();
        Array.Sort(all);
        Assert.Equal(4_000_000, all.Length);
        for (var i = 1; i < all.Length; i++)
        {
            Assert.True(all[i] != all[i - 1], $"duplicate id {all[i]}");
        }
    }

    [Theory(Timeout = 120_000)]
    [InlineData("redis")]
    [InlineData("etcd")]
    [InlineData("postgres")]
    public async Task KilledHolder_ItsWorkerIdComesBackOnlyAfterTtlPlusDrift(string engine)
    {
        var ttl = TimeSpan.FromSeconds(2);
        var options = LeaseOptions.Default with { Ttl = ttl };
        using var holder = Process.Start(DistKitProcess.StartInfo(
            ["id", "next", "--worker-from", engine, "--layout", OneWorker.ToSpec(), "--count", "10000000", "--lease-ttl", "2s", "--data-dir", Path.Combine(_dir, "holder")],
            Environment()))!;
        var first = await holder.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        if (first is null)
        {
            Assert.Fail("the holder printed no id: " + await holder.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));
        }

        holder.Kill();
        var sinceKill = Stopwatch.StartNew();
        await holder.WaitForExitAsync(TestContext.Current.CancellationToken);

        var (store, connection) = await ConnectAsync(engine);
        await using var _ = connection;
        var source = new LeasedWorkerIdSource(store, OneWorker.StorageName, options);
        WorkerIdLease? taken = null;
        while (taken is null && sinceKill.Elapsed < TimeSpan.FromSeconds(15))
        {
            try
            {
                taken = await source.AcquireAsync(OneWorker.MaxNode, TestContext.Current.CancellationToken);
            }
            catch (WorkerIdUnavailableException)
            {
                await Task.Delay(25, TestContext.Current.CancellationToken);
            }
        }

        var freeAfter = sinceKill.Elapsed;
        Assert.NotNull(taken);
        await taken.DisposeAsync();

        // The holder renewed at most one renewal period before it died; the engine keeps the
        // lease TTL + drift after the last renewal.
        var earliest = options.EngineTtl - options.RenewPeriod - TimeSpan.FromMilliseconds(150);
        Assert.True(freeAfter >= earliest, $"worker id reused {freeAfter.TotalMilliseconds:F0} ms after the kill, before TTL + drift ({earliest.TotalMilliseconds:F0} ms)");
        Assert.True(freeAfter <= options.EngineTtl + TimeSpan.FromSeconds(2), $"worker id came back only after {freeAfter.TotalMilliseconds:F0} ms");
    }

    private async Task<(ILeaseStore Store, IAsyncDisposable Connection)> ConnectAsync(string engine)
    {
        switch (engine)
        {
            case "redis":
                var mux = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
                return (new RedisLeaseStore(mux), mux);
            case "postgres":
                var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
                return (new PostgresLeaseStore(dataSource), dataSource);
            default:
                var store = new EtcdLeaseStore(etcd.ConnectionString);
                return (store, new AsyncDisposer(store.Dispose));
        }
    }

    private sealed class AsyncDisposer(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
