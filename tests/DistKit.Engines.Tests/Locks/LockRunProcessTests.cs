using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using DistKit.Core.Leases;
using DistKit.Redis.Locks;
using DistKit.Testing;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Locks;

/// <summary>`distkit lock run` in real processes, on the node and on Redis.</summary>
public sealed class LockRunProcessTests(RedisFixture redis, PostgresFixture postgres, EtcdFixture etcd) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-lockrun-").FullName;

    private Dictionary<string, string> Environment() => new() { ["DISTKIT_REDIS"] = redis.ConnectionString, ["DISTKIT_POSTGRES"] = postgres.ConnectionString, ["DISTKIT_ETCD"] = etcd.ConnectionString };

    [Theory(Timeout = 300_000)]
    [InlineData("node")]
    [InlineData("redis")]
    [InlineData("postgres")]
    [InlineData("etcd")]
    public async Task EightProcessStreams_NeverOverlap_AndFencingTokensStrictlyIncrease(string backend)
    {
        const int Streams = 8, Rounds = 15;
        await using var node = await DistKitProcess.ServeAsync(Path.Combine(_dir, "node-data"), cancellationToken: TestContext.Current.CancellationToken);
        var log = Path.Combine(_dir, "critical.log");
        var name = "run-" + Guid.NewGuid().ToString("N")[..8];
        string[] Args() =>
        [
            "lock", "run", name, "--backend", backend, "--node", node.Address.ToString(), "--wait", "2m", "--",
            "sh", "-c", $"echo start $DISTKIT_FENCING_TOKEN >> {log}; sleep 0.01; echo end $DISTKIT_FENCING_TOKEN >> {log}",
        ];

        var streams = Enumerable.Range(0, Streams).Select(_ => Task.Run(
            async () =>
            {
                for (var i = 0; i < Rounds; i++)
                {
                    var result = await DistKitProcess.RunAsync(Args(), Environment(), timeout: TimeSpan.FromMinutes(3), cancellationToken: TestContext.Current.CancellationToken);
                    Assert.True(result.ExitCode == 0, result.Stderr);
                }
            },
            TestContext.Current.CancellationToken));
        await Task.WhenAll(streams);

        var lines = await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken);
        Assert.Equal(Streams * Rounds * 2, lines.Length);
        var previous = long.MinValue;
        for (var i = 0; i < lines.Length; i += 2)
        {
            var start = lines[i].Split(' ');
            var end = lines[i + 1].Split(' ');
            Assert.True(start[0] == "start" && end[0] == "end" && start[1] == end[1], $"overlap at line {i + 1}: '{lines[i]}' then '{lines[i + 1]}'");
            var token = long.Parse(start[1], CultureInfo.InvariantCulture);
            Assert.True(token > previous, $"token {token} after {previous}");
            previous = token;
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task HeldElsewhere_WithWaitZero_Exits75WithOneLine()
    {
        await using var node = await DistKitProcess.ServeAsync(Path.Combine(_dir, "node-data"), cancellationToken: TestContext.Current.CancellationToken);
        using var http = new HttpClient { BaseAddress = node.Address };
        using var grant = await http.PostAsJsonAsync("/v1/locks/busy:acquire", new { ttl_ms = 30_000 }, TestContext.Current.CancellationToken);
        grant.EnsureSuccessStatusCode();

        var result = await DistKitProcess.RunAsync(["lock", "run", "busy", "--node", node.Address.ToString(), "--wait", "0", "--", "true"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(75, result.ExitCode);
        Assert.Contains("held elsewhere", Assert.Single(result.StderrLines), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task CommandExitCode_IsReturned_AndTheFencingTokenExported()
    {
        await using var node = await DistKitProcess.ServeAsync(Path.Combine(_dir, "node-data"), cancellationToken: TestContext.Current.CancellationToken);
        var result = await DistKitProcess.RunAsync(["lock", "run", "code", "--node", node.Address.ToString(), "--", "sh", "-c", "echo $DISTKIT_FENCING_TOKEN; exit 3"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, result.ExitCode);
        Assert.True(long.Parse(result.Stdout.Trim(), CultureInfo.InvariantCulture) > 0);
    }

    [Fact(Timeout = 60_000)]
    public async Task RedisHolderKilled_NextWaiterGetsTheLockWithinTheTtl()
    {
        var name = "killed-" + Guid.NewGuid().ToString("N")[..8];
        var marker = Path.Combine(_dir, "holding");
        using var holder = Process.Start(DistKitProcess.StartInfo(
            ["lock", "run", name, "--backend", "redis", "--ttl", "2s", "--", "sh", "-c", $"touch {marker}; sleep 60"], Environment()))!;
        var clock = Stopwatch.StartNew();
        while (!File.Exists(marker) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(marker), "the holder never ran its command");
        holder.Kill(entireProcessTree: true);
        var sinceKill = Stopwatch.StartNew();

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var options = RedisLockOptions.Default with { Lease = LeaseOptions.Default with { Ttl = TimeSpan.FromSeconds(2) } };
        await using var next = await new RedisLockProvider(connection, options).CreateLock(name).AcquireAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.True(next.FencingToken >= 2);
        Assert.True(sinceKill.Elapsed <= options.Lease.EngineTtl + TimeSpan.FromSeconds(1), $"took {sinceKill.Elapsed.TotalMilliseconds:F0} ms after the kill");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
