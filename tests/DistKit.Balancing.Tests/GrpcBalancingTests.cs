using System.Text;
using DistKit.Balancing.Discovery;
using DistKit.Balancing.Grpc;
using DistKit.Balancing.Policies;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DistKit.Balancing.Tests;

/// <summary>A Grpc.Net.Client channel with DistKit's resolver and policy, against three real gRPC servers on loopback.</summary>
public sealed class GrpcBalancingTests
{
    private static readonly Marshaller<string> Text = Marshallers.Create(s => Encoding.UTF8.GetBytes(s), b => Encoding.UTF8.GetString(b));

    internal static readonly Method<string, string> Ask = new(MethodType.Unary, "distkit.test.Who", nameof(WhoService.Ask), Text, Text);

    [Theory(Timeout = 60_000)]
    [InlineData(BalancingPolicies.RoundRobin)]
    [InlineData(BalancingPolicies.LeastOutstanding)]
    [InlineData(BalancingPolicies.PeakEwma)]
    public async Task AChannel_BalancesAcrossThreeServers(string policy)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var servers = await GrpcServers.StartAsync(3, ct);
        var registry = new InMemoryServiceRegistry();
        foreach (var server in servers.All)
        {
            await registry.RegisterAsync("who", new ServiceEndpoint(server.Url), TimeSpan.FromSeconds(30), ct);
        }

        using var channel = Channel(registry, policy);
        var client = channel.CreateCallInvoker();
        var answers = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            answers.Add(await client.AsyncUnaryCall(Ask, null, new CallOptions(cancellationToken: ct), "who?"));
        }

        var counts = servers.All.Select(s => answers.Count(a => a == s.Name)).ToList();
        Assert.Equal(300, counts.Sum());

        // Sequential calls to equal servers: round robin and least outstanding spread them. Peak
        // EWMA is meant to follow latency — one slow answer (a cold first call) keeps a server
        // out for seconds — so of it we ask only that it uses every server.
        var least = policy == BalancingPolicies.PeakEwma ? 1 : 30;
        Assert.All(counts, c => Assert.True(c >= least, $"calls per server: {string.Join(", ", counts)}"));
    }

    [Fact(Timeout = 60_000)]
    public async Task ANewRegistration_JoinsTheChannel_WithoutARestart()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var servers = await GrpcServers.StartAsync(2, ct);
        var registry = new InMemoryServiceRegistry();
        await registry.RegisterAsync("who", new ServiceEndpoint(servers[0].Url), TimeSpan.FromSeconds(30), ct);
        using var channel = Channel(registry, BalancingPolicies.RoundRobin);
        var client = channel.CreateCallInvoker();
        Assert.Equal(servers[0].Name, await client.AsyncUnaryCall(Ask, null, new CallOptions(cancellationToken: ct), "who?"));

        await using var joined = await registry.RegisterAsync("who", new ServiceEndpoint(servers[1].Url), TimeSpan.FromSeconds(30), ct);
        var seen = new HashSet<string>();
        for (var i = 0; i < 500 && seen.Count < 2; i++)
        {
            seen.Add(await client.AsyncUnaryCall(Ask, null, new CallOptions(cancellationToken: ct), "who?"));
        }

        Assert.Equal([servers[0].Name, servers[1].Name], seen.Order());
    }

    [Fact(Timeout = 60_000)]
    public async Task AKeyedPolicy_SendsEveryCallOfAKeyToOneServer()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var servers = await GrpcServers.StartAsync(3, ct);
        var registry = new InMemoryServiceRegistry();
        foreach (var server in servers.All)
        {
            await registry.RegisterAsync("who", new ServiceEndpoint(server.Url), TimeSpan.FromSeconds(30), ct);
        }

        using var channel = Channel(registry, BalancingPolicies.RingHash);
        var client = channel.CreateCallInvoker();

        // Subchannels become ready one by one, and each changes the set a key maps over: first
        // wait until calls without a key (random hashes) have reached all three.
        var reached = new HashSet<string>();
        for (var i = 0; i < 1000 && reached.Count < 3; i++)
        {
            reached.Add(await client.AsyncUnaryCall(Ask, null, new CallOptions(cancellationToken: ct), "who?"));
        }

        Assert.Equal(3, reached.Count);
        var firstOfEach = new HashSet<string>();
        foreach (var user in Enumerable.Range(0, 12).Select(i => $"user-{i}"))
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < 8; i++)
            {
                seen.Add(await client.AsyncUnaryCall(Ask, null, new CallOptions(new Metadata { { "x-distkit-key", user } }, cancellationToken: ct), "who?"));
            }

            firstOfEach.Add(Assert.Single(seen));
        }

        Assert.True(firstOfEach.Count >= 2, "twelve keys all on one server");
    }

    private static GrpcChannel Channel(IServiceDiscovery discovery, string policy)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ResolverFactory>(new DistKitResolverFactory(discovery));
        services.AddSingleton<LoadBalancerFactory>(new DistKitLoadBalancerFactory(new DistKitGrpcOptions { Policy = policy }));
        return GrpcChannel.ForAddress("distkit:///who", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new LoadBalancingConfig(DistKitLoadBalancerFactory.PolicyName) } },
            ServiceProvider = services.BuildServiceProvider(),
        });
    }
}

/// <summary>The test service, bound by hand (no .proto): answers with its server's name.</summary>
/// <remarks>Grpc.AspNetCore binds a method only if it is virtual on the bound type, as generated bases are.</remarks>
[BindServiceMethod(typeof(WhoService), nameof(BindService))]
public class WhoService(ServerName name)
{
    public static void BindService(ServiceBinderBase binder, WhoService? service) =>
        binder.AddMethod(GrpcBalancingTests.Ask, service is null ? null : service.Ask);

    public virtual Task<string> Ask(string request, ServerCallContext context) => Task.FromResult(name.Value);
}

/// <summary>A server's name, for the service to answer with.</summary>
public sealed record ServerName(string Value);

internal sealed class GrpcServers : IAsyncDisposable
{
    private readonly List<(WebApplication App, string Name, string Url)> _servers = [];

    public static async Task<GrpcServers> StartAsync(int count, CancellationToken ct)
    {
        var servers = new GrpcServers();
        for (var i = 0; i < count; i++)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = HttpProtocols.Http2));
            builder.Logging.ClearProviders();
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(new ServerName($"grpc-{i}"));
            var app = builder.Build();
            app.MapGrpcService<WhoService>();
            await app.StartAsync(ct);
            var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            servers._servers.Add((app, $"grpc-{i}", url));
        }

        return servers;
    }

    public (string Name, string Url) this[int index] => (_servers[index].Name, _servers[index].Url);

    public IEnumerable<(string Name, string Url)> All => _servers.Select(s => (s.Name, s.Url));

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.App.DisposeAsync();
        }
    }
}
