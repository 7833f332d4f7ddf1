using DistKit.Balancing;
using DistKit.Balancing.Discovery;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Configuration;

namespace DistKit.Docs.Snippets;

// docs/balancing.md
internal static class BalancingSnippets
{
    public static async Task HttpClientAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var services = builder.Services;
        services.AddDistKit(builder.Configuration.GetSection("DistKit")).AddEtcd().AddBalancing();
        services.AddHttpClient("orders", c => c.BaseAddress = new Uri("http://orders")).AddDistKitBalancing();
        await using var app = builder.Build();

        // GET http://orders/api/orders/42 → one of the orders instances, picked by the policy
        var orders = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("orders");
        _ = await orders.GetStringAsync("/api/orders/42");
    }

    public static async Task RegisterAsync(WebApplication app)
    {
        // An instance registering itself (DistKit.Etcd):
        var registry = app.Services.GetRequiredService<IServiceRegistry>();
        await using var registration = await registry.RegisterAsync("orders", new ServiceEndpoint("http://10.0.0.7:8080"), TimeSpan.FromSeconds(10));
        await app.WaitForShutdownAsync();
    }

    public static GrpcChannel Grpc(IServiceCollection services, IConfiguration config, WebApplication app)
    {
        services.AddDistKit(config.GetSection("DistKit")).AddBalancing().AddGrpcBalancing();
        var channel = GrpcChannel.ForAddress("distkit:///orders", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Insecure,
            ServiceConfig = new ServiceConfig { LoadBalancingConfigs = { new LoadBalancingConfig("distkit") } },
            ServiceProvider = app.Services,
        });
        return channel;
    }
}
