using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using DistKit.Core.Leases;
using DistKit.Redis.Locks;
using DistKit.Testing;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Locks;

/// <summary>`distkit lock run` in real processes, on the node and on every engine.</summary>
public sealed class LockRunProcessTests(RedisFixture redis, PostgresFixture postgres, EtcdFixture etcd, SharedRedisTrio trio) : IClassFixture<SharedRedisTrio>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-lockrun-").FullName;

    private Dictionary<string, string> Environment() => new()
    {
        ["DISTKIT_REDIS"] = redis.ConnectionString,
        ["DISTKIT_REDLOCK"] = string.Join(';', trio.Servers.Select(s => s.ConnectionString)),
        ["DISTKIT_POSTGRES"] = postgres.ConnectionString,
        ["DISTKIT_ETCD"] = etcd.ConnectionString,
    };

    [Theory(Timeout = 600_000)]
    [InlineData("node")]
    [InlineData("redis")]
    [InlineData("redlock")]
    [InlineData("postgres")]
    [InlineData("etcd")]
    public async Task EightProcesses_FiftyAcquisitionsEach_NeverOverlap_AndFencingTokensStrictlyIncrease(string backend)
    {
        const int Streams = 8, Rounds = 50;
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
                    var result = await DistKitProcess.RunAsync(Args(), Environment(), timeout: TimeSpan.FromMinutes(5), cancellationToken: TestContext.Current.CancellationToken);
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
    public async Task BadLeaseForAnEngine_Exits78NamingTheSetting_AndRunsNothing()
    {
        var marker = Path.Combine(_dir, "ran");

        // The start-up checks resolve Redis's connections before they fail; disposing those must
        // not turn the setting's error into an internal one.
        var result = await DistKitProcess.RunAsync(["lock", "run", "too-long", "--backend", "redis", "--ttl", "2h", "--", "touch", marker], Environment(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(78, result.ExitCode);
        Assert.Contains("Locks:Ttl", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
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

    [Theory(Timeout = 60_000)]
    [InlineData("etcd")]
    [InlineData("postgres")]
    public async Task EngineDown_ExitsUnavailableWithOneLine_AndRunsNothing(string backend)
    {
        // A loopback port bound but not listening: connections are refused, and no server started
        // by a parallel test can take the port meanwhile.
        using var reserved = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        reserved.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)reserved.LocalEndPoint!).Port;
        var environment = new Dictionary<string, string>
        {
            ["DISTKIT_ETCD"] = $"http://127.0.0.1:{port}",
            ["DISTKIT_POSTGRES"] = $"Host=127.0.0.1;Port={port};Username=postgres;Timeout=3",
        };
        var marker = Path.Combine(_dir, "ran-" + backend);

        var result = await DistKitProcess.RunAsync(["lock", "run", "down", "--backend", backend, "--wait", "0", "--", "touch", marker], environment, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(69, result.ExitCode);
        Assert.Contains($"{backend} is unavailable", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "the command ran without the lock");
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
    public async Task RedisHolderKilled_NextWaiterGetsTheLockWithinTheTtl_WithALargerToken()
    {
        var name = "killed-" + Guid.NewGuid().ToString("N")[..8];
        var (heldToken, sinceKill) = await StartHolderAndKillItAsync("redis", name);

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var options = RedisLockOptions.Default with { Lease = LeaseOptions.Default with { Ttl = TimeSpan.FromSeconds(2) } };
        await using var next = await new RedisLockProvider(connection, options).CreateLock(name).AcquireAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.True(next.FencingToken > heldToken, $"token {next.FencingToken} after the killed holder's {heldToken}");
        Assert.True(sinceKill.Elapsed <= options.Lease.EngineTtl + TimeSpan.FromSeconds(1), $"took {sinceKill.Elapsed.TotalMilliseconds:F0} ms after the kill");
    }

    [Fact(Timeout = 60_000)]
    public async Task EtcdHolderKilled_NextWaiterGetsTheLockWithinTheLeaseTtl_WithALargerToken()
    {
        var name = "killed-" + Guid.NewGuid().ToString("N")[..8];
        var (heldToken, sinceKill) = await StartHolderAndKillItAsync("etcd", name);

        var lease = LeaseOptions.Default with { Ttl = TimeSpan.FromSeconds(2) };
        using var store = new DistKit.Etcd.Leases.EtcdLeaseStore(etcd.ConnectionString);
        await using var next = await new DistKit.Etcd.Locks.EtcdLockProvider(store, lease).CreateLock(name).AcquireAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        // etcd leases count in whole seconds: the killed holder's 2 s + 0.5 s drift is a 3 s lease.
        var leaseTtl = TimeSpan.FromSeconds(Math.Ceiling(lease.EngineTtl.TotalSeconds));
        Assert.True(next.FencingToken > heldToken, $"token {next.FencingToken} after the killed holder's {heldToken}");
        Assert.True(sinceKill.Elapsed <= leaseTtl + TimeSpan.FromSeconds(1.5), $"took {sinceKill.Elapsed.TotalMilliseconds:F0} ms after the kill");
    }

    // Starts `distkit lock run` holding the lock with a 2 s TTL, waits until its command runs, and
    // SIGKILLs the whole process tree: no release, no goodbye, only the engine's expiry frees it.
    private async Task<(long Token, Stopwatch SinceKill)> StartHolderAndKillItAsync(string backend, string name)
    {
        var marker = Path.Combine(_dir, $"holding-{backend}");
        using var holder = Process.Start(DistKitProcess.StartInfo(
            ["lock", "run", name, "--backend", backend, "--ttl", "2s", "--", "sh", "-c", $"echo $DISTKIT_FENCING_TOKEN > {marker}.tmp && mv {marker}.tmp {marker}; sleep 60"], Environment()))!;
        var clock = Stopwatch.StartNew();
        while (!File.Exists(marker) && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(File.Exists(marker), "the holder never ran its command");
        var token = long.Parse((await File.ReadAllTextAsync(marker, TestContext.Current.CancellationToken)).Trim(), CultureInfo.InvariantCulture);
        holder.Kill(entireProcessTree: true);
        var sinceKill = Stopwatch.StartNew();
        await holder.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (token, sinceKill);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
