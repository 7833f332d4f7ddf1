using System.Diagnostics;
using DistKit.Balancing;
using DistKit.Balancing.Composition;
using DistKit.Balancing.Policies;
using DistKit.Balancing.Services;
using DistKit.Etcd.Balancing;
using DistKit.Etcd.Leases;
using DistKit.Testing;

namespace DistKit.Engines.Tests.Balancing;

/// <summary>The service registry on a real etcd: registrations, watches, instances that die, etcd that restarts.</summary>
public sealed class EtcdRegistryTests(EtcdFixture etcd)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    // Liveness bounds only: generous, a loaded machine is slow, not wrong.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string NewService() => "svc-" + Guid.NewGuid().ToString("N")[..10];

    [Fact(Timeout = 60_000)]
    public async Task ARegistration_IsListedAndWatched_AndLeavesAtOnceWhenDisposed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var leases = new EtcdLeaseStore(etcd.ConnectionString);
        var registry = new EtcdServiceRegistry(leases);
        var service = NewService();
        await using var watch = new ListWatch(registry, service, ct);
        await watch.WaitForAsync(l => l.Count == 0, Patience);

        var longTtl = TimeSpan.FromSeconds(60);
        var a = await registry.RegisterAsync(service, new ServiceEndpoint("http://10.0.0.1:80", 3) { Metadata = new Dictionary<string, string> { ["zone"] = "a" } }, longTtl, ct);
        await using var b = await registry.RegisterAsync(service, new ServiceEndpoint("http://10.0.0.2:80"), Ttl, ct);
        await watch.WaitForAsync(l => l.Count == 2, Patience);

        var listed = await registry.ListAsync(service, ct);
        Assert.Equal(["http://10.0.0.1:80", "http://10.0.0.2:80"], listed.Select(e => e.Address));
        Assert.Equal(3, listed[0].Weight);
        Assert.Equal("a", listed[0].Metadata["zone"]);

        var disposed = Stopwatch.StartNew();
        await a.DisposeAsync();
        await watch.WaitForAsync(l => l.Count == 1 && l[0].Address == "http://10.0.0.2:80", Patience);

        // Disposing revokes the lease: gone at once, not at the end of its minute.
        Assert.True(disposed.Elapsed < longTtl / 2, $"left after {disposed.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact(Timeout = 120_000)]
    public async Task KilledInstances_VanishWithinTheirTtl_AndTheBalancerStopsSendingToThem()
    {
        var ct = TestContext.Current.CancellationToken;
        var service = NewService();
        var environment = new Dictionary<string, string> { ["DISTKIT_ETCD"] = etcd.ConnectionString };
        using var doomed = Start(["balance", "register", service, "--address", "http://127.0.0.1:9101", "--ttl", "2s"], environment);
        using var survivor = Start(["balance", "register", service, "--address", "http://127.0.0.1:9102", "--ttl", "2s"], environment);
        await ReadRegisteredAsync(doomed, ct);
        await ReadRegisteredAsync(survivor, ct);

        using var leases = new EtcdLeaseStore(etcd.ConnectionString);
        await using var balancers = new ServiceBalancers(new BalancingOptions { Defaults = { Policy = BalancingPolicies.RoundRobin } }, new EtcdServiceRegistry(leases));
        var balancer = await balancers.GetAsync(service, ct);
        Assert.Equal(["http://127.0.0.1:9101", "http://127.0.0.1:9102"], balancer.Status().Select(s => s.Endpoint.Address));

        doomed.Kill(); // SIGKILL: no chance to deregister
        var sinceKill = Stopwatch.StartNew();
        await doomed.WaitForExitAsync(ct);
        Assert.True(await Until.TrueAsync(() => balancer.Status().Count == 1, Patience, ct), "the killed instance was never removed");

        var removedAfter = sinceKill.Elapsed;

        // etcd keeps the lease its TTL after the last keep-alive, and checks expiries every 500 ms.
        Assert.True(removedAfter < Ttl + TimeSpan.FromSeconds(5), $"removed {removedAfter.TotalMilliseconds:F0} ms after the kill");
        TestContext.Current.SendDiagnosticMessage($"killed instance removed {removedAfter.TotalMilliseconds:F0} ms after SIGKILL (TTL 2 s)");
        for (var i = 0; i < 50; i++)
        {
            var plan = balancer.Plan();
            Assert.True(plan.TryNext(out var call));
            Assert.Equal("http://127.0.0.1:9102", call.Endpoint.Address);
            Assert.False(plan.TryNext(out _), "the plan holds only the live instance");
            call.Succeeded();
        }

        survivor.Kill();
    }

    [Fact(Timeout = 120_000)]
    public async Task WhileEtcdIsDown_TheBalancerKeepsItsEndpoints_AndFollowsChangesWhenItReturns()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, leases, registry, service) = await OwnEtcdAsync(ct);
        await using var _ = server;
        using var __ = leases;
        await using var first = await registry.RegisterAsync(service, new ServiceEndpoint("http://10.0.0.1:80"), TimeSpan.FromSeconds(30), ct);
        await using var balancers = new ServiceBalancers(new BalancingOptions(), registry);
        var balancer = await balancers.GetAsync(service, ct);
        Assert.Single(balancer.Status());

        await server.StopAsync();
        Assert.True(balancer.Plan().TryNext(out var during), "calls go on while etcd is away");
        Assert.Equal("http://10.0.0.1:80", during.Endpoint.Address);
        during.Succeeded();

        await server.StartAsync(ct);
        await using var second = await registry.RegisterAsync(service, new ServiceEndpoint("http://10.0.0.2:80"), TimeSpan.FromSeconds(30), ct);
        await WaitUntilAsync(() => Task.FromResult(balancer.Status().Count == 2), "the balancer never saw the registration made after etcd returned");
    }

    [Fact(Timeout = 120_000)]
    public async Task ARegistrationWhoseLeaseWasLost_RegistersAgainWhenEtcdReturns_AndOutlivesItsOldLease()
    {
        var ct = TestContext.Current.CancellationToken;
        var (server, leases, registry, service) = await OwnEtcdAsync(ct);
        await using var _ = server;
        using var __ = leases;
        await using var registration = await registry.RegisterAsync(service, new ServiceEndpoint("http://10.0.0.1:80"), Ttl, ct);

        await server.StopAsync();
        await WaitUntilAsync(() => Task.FromResult(!registration.IsRegistered), "the lease was never seen lost while etcd was away");
        await server.StartAsync(ct);

        // A restarted etcd brings the old lease back for a full TTL; the registration must not
        // wait on it, and must still be there once it has run out: one key, ours, listed.
        using var etcdClient = new dotnet_etcd.EtcdClient(server.ConnectionString);
        await WaitUntilAsync(async () =>
            registration.IsRegistered
            && (await etcdClient.GetRangeAsync(registry.PrefixOf(service), cancellationToken: ct)).Kvs.Count == 1
            && (await registry.ListAsync(service, ct)).Count == 1,
            "the registration did not come back alone after etcd returned");
    }

    [Fact(Timeout = 60_000)]
    public async Task ARestartedInstanceOnTheSameAddress_ShowsOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        using var leases = new EtcdLeaseStore(etcd.ConnectionString);
        var registry = new EtcdServiceRegistry(leases);
        var service = NewService();
        await using var old = await registry.RegisterAsync(service, new ServiceEndpoint("http://10.0.0.1:80"), Ttl, ct);
        await using var restarted = await registry.RegisterAsync(service, new ServiceEndpoint("http://10.0.0.1:80", 5), Ttl, ct);

        var listed = await registry.ListAsync(service, ct);
        Assert.Equal(5, Assert.Single(listed).Weight);
    }

    // An etcd of the test's own, to stop and start.
    private static async Task<(EtcdServer Server, EtcdLeaseStore Leases, EtcdServiceRegistry Registry, string Service)> OwnEtcdAsync(CancellationToken ct)
    {
        var server = new EtcdServer();
        await server.StartAsync(ct);
        var leases = new EtcdLeaseStore(server.ConnectionString);
        return (server, leases, new EtcdServiceRegistry(leases), NewService());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure) =>
        Assert.True(await Until.TrueAsync(condition, Patience, TestContext.Current.CancellationToken), failure);

    private static Process Start(string[] args, Dictionary<string, string> environment) => Process.Start(DistKitProcess.StartInfo(args, environment))!;

    private static async Task ReadRegisteredAsync(Process process, CancellationToken ct)
    {
        var line = await process.StandardOutput.ReadLineAsync(ct);
        Assert.True(line?.StartsWith("registered ", StringComparison.Ordinal) == true, $"register printed '{line}': {(line is null ? await process.StandardError.ReadToEndAsync(ct) : "")}");
    }

    /// <summary>Follows a service's lists in the background; waits for one that matches.</summary>
    private sealed class ListWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task _follow;
        private IReadOnlyList<ServiceEndpoint>? _latest;

        public ListWatch(EtcdServiceRegistry registry, string service, CancellationToken ct)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _follow = Task.Run(async () =>
            {
                await foreach (var list in registry.WatchAsync(service, _stop.Token))
                {
                    Volatile.Write(ref _latest, list);
                }
            }, ct);
        }

        public async Task WaitForAsync(Func<IReadOnlyList<ServiceEndpoint>, bool> condition, TimeSpan patience)
        {
            var matched = await Until.TrueAsync(
                () => _follow.IsFaulted || Volatile.Read(ref _latest) is { } list && condition(list), patience, _stop.Token);
            Assert.False(_follow.IsFaulted, _follow.Exception?.ToString());
            Assert.True(matched, $"no matching list; last: {string.Join(", ", Volatile.Read(ref _latest)?.Select(e => e.Address) ?? ["none"])}");
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _follow;
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }

            _stop.Dispose();
        }
    }
}
