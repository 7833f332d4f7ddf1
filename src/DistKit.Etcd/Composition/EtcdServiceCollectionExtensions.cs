using DistKit.Balancing.Composition;
using DistKit.Balancing.Discovery;
using DistKit.Configuration;
using DistKit.Core.Composition;
using DistKit.Core.Leases;
using DistKit.Etcd.Balancing;
using DistKit.Etcd.Composition;
using DistKit.Etcd.Configuration;
using DistKit.Etcd.Leases;
using DistKit.Etcd.Locks;
using DistKit.Locks;
using DistKit.Locks.Composition;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the etcd engine: <c>services.AddDistKit(configuration).AddEtcd()</c>.</summary>
public static class EtcdServiceCollectionExtensions
{
    /// <summary>The engine's name in settings (<c>DistKit:Capabilities:Locks = etcd</c>).</summary>
    public const string Etcd = "etcd";

    /// <summary>
    /// Registers etcd for every capability it serves: fair locks, worker-id leases for IDs and the service
    /// registry on one gRPC channel to <c>DistKit:Engines:Etcd</c>, made on first use and shared; the configuration store on a channel of its own.
    /// </summary>
    public static DistKitBuilder AddEtcd(this DistKitBuilder builder, Action<EtcdEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = builder.Services.AddOptions<EtcdEngineOptions>().Configure(etcd =>
        {
            var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(EtcdEngineOptions));
            etcd.Url = settings.Text("Engines:Etcd") ?? etcd.Url;
            if (etcd.FirstUrl is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                throw settings.Error("Engines:Etcd", $"'{url}' is not an etcd client URL; write it as http://host:2379");
            }
        });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        var missing = (IServiceProvider services) =>
            services.GetRequiredService<IOptions<EtcdEngineOptions>>().Value.FirstUrl is null
                ? $"{builder.PathOf("Engines:Etcd")} is not set (an etcd client URL such as http://localhost:2379)"
                : null;
        builder.Engines.Add(LocksOptions.Capability, Etcd, missing);
        builder.Engines.Add("ids", Etcd, missing);
        builder.Engines.Add(ConfigOptions.Capability, Etcd, missing);
        builder.Engines.Add(BalancingOptions.Capability, Etcd, missing);

        // EtcdLeaseStore's channel connects on its first call, so making it here blocks nothing.
        builder.Services.AddSingleton(services => new EtcdLeaseStore(services.GetRequiredService<IOptions<EtcdEngineOptions>>().Value.FirstUrl
            ?? throw new InvalidOperationException($"no etcd connection is configured ({builder.PathOf("Engines:Etcd")})")));
        builder.Services.AddKeyedSingleton<ILeaseStore>(Etcd, (services, _) => services.GetRequiredService<EtcdLeaseStore>());
        builder.Services.AddKeyedSingleton<IDistributedLockProvider>(Etcd, (services, _) =>
            new EtcdLockProvider(services.GetRequiredService<EtcdLeaseStore>(), services.GetRequiredService<IOptions<LocksOptions>>().Value.Lease));
        builder.Services.AddKeyedSingleton<IServiceRegistry>(Etcd, (services, _) => new EtcdServiceRegistry(services.GetRequiredService<EtcdLeaseStore>()));
        builder.Services.AddKeyedSingleton<IConfigStore>(Etcd, (services, _) => new EtcdConfigStore(services.GetRequiredService<IOptions<EtcdEngineOptions>>().Value.FirstUrl
            ?? throw new InvalidOperationException($"no etcd connection is configured ({builder.PathOf("Engines:Etcd")})")));
        return builder;
    }
}
