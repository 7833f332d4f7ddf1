using System.Diagnostics.Metrics;
using System.Globalization;
using DistKit.Balancing;
using DistKit.Balancing.Composition;
using DistKit.Balancing.Diagnostics;
using DistKit.Balancing.Discovery;
using DistKit.Balancing.Http;
using DistKit.Balancing.Policies;
using DistKit.Balancing.Services;
using DistKit.Core.Composition;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers load balancing: <c>services.AddDistKit(configuration).AddBalancing()</c>, then <c>AddHttpClient("orders").AddDistKitBalancing()</c>.</summary>
public static class BalancingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ServiceBalancers"/> with the services, policies and health of
    /// <c>DistKit:Balancing</c>, and the service registry named by <c>DistKit:Capabilities:Balancing</c>
    /// (default <c>embedded</c>: in this process; <c>etcd</c> with <c>AddEtcd()</c>).
    /// </summary>
    public static DistKitBuilder AddBalancing(this DistKitBuilder builder, Action<BalancingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = builder.Services.AddOptions<BalancingOptions>().Configure(o => Read(configuration, o));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure(o => o.Engine = o.Engine.Trim().ToLowerInvariant());
        options.ValidateOnStart();
        builder.Engines.Add(BalancingOptions.Capability, DistKitBuilder.Embedded);
        builder.Services.AddSingleton<IValidateOptions<BalancingOptions>>(services => new Validation(builder, services));
        builder.Services.AddSingleton(services => new BalancingTelemetry(services.GetService<IMeterFactory>(), services.GetService<ILoggerFactory>()));
        builder.Services.AddKeyedSingleton<IServiceRegistry>(DistKitBuilder.Embedded, (_, _) => new InMemoryServiceRegistry());
        builder.Services.AddSingleton(services =>
        {
            var o = services.GetRequiredService<IOptions<BalancingOptions>>().Value;
            return services.GetRequiredKeyedService<IServiceRegistry>(o.Engine);
        });
        builder.Services.AddSingleton(services => new ServiceBalancers(
            services.GetRequiredService<IOptions<BalancingOptions>>().Value,
            services.GetRequiredService<IServiceRegistry>(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<BalancingTelemetry>()));
        return builder;
    }

    /// <summary>
    /// Sends this client's requests through the service balancers: the host of each URL names the
    /// service (<c>http://orders/api/…</c>), the policy picks the endpoint, failures go to another.
    /// Needs <c>AddDistKit(…).AddBalancing()</c>.
    /// </summary>
    public static IHttpClientBuilder AddDistKitBalancing(this IHttpClientBuilder builder, Action<BalancingHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new BalancingHttpOptions();
        configure?.Invoke(options);
        options.Validate();
        return builder.AddHttpMessageHandler(services => new BalancingHandler(
            services.GetService<ServiceBalancers>() ?? throw new InvalidOperationException("AddDistKitBalancing needs services.AddDistKit(…).AddBalancing()"),
            options));
    }

    private static void Read(IConfiguration configuration, BalancingOptions o)
    {
        var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(BalancingOptions));
        o.Engine = settings.Text($"Capabilities:{BalancingOptions.Capability}") ?? o.Engine;
        o.DiscoveryTimeout = settings.Duration("Balancing:DiscoveryTimeout") ?? o.DiscoveryTimeout;
        var d = o.Defaults;
        d.Policy = settings.OneOf("Balancing:Policy", BalancingPolicies.All) ?? d.Policy;
        d.PolicySettings.PointsPerEndpoint = (int)Math.Min(settings.Count("Balancing:PointsPerEndpoint") ?? d.PolicySettings.PointsPerEndpoint, int.MaxValue);
        d.PolicySettings.MaglevTableSize = (int)Math.Min(settings.Count("Balancing:MaglevTableSize") ?? d.PolicySettings.MaglevTableSize, int.MaxValue);
        d.PolicySettings.BalanceFactor = Number(settings, "Balancing:BalanceFactor") ?? d.PolicySettings.BalanceFactor;
        var h = d.Health;
        h.ConsecutiveFailures = (int)Math.Min(settings.Count("Balancing:Health:ConsecutiveFailures") ?? h.ConsecutiveFailures, int.MaxValue);
        h.BaseEjection = settings.Duration("Balancing:Health:BaseEjection") ?? h.BaseEjection;
        h.MaxEjection = settings.Duration("Balancing:Health:MaxEjection") ?? h.MaxEjection;
        h.MaxEjectedShare = Number(settings, "Balancing:Health:MaxEjectedShare") ?? h.MaxEjectedShare;
        h.PanicThreshold = Number(settings, "Balancing:Health:PanicThreshold") ?? h.PanicThreshold;
        h.SlowStart = settings.Duration("Balancing:Health:SlowStart") ?? h.SlowStart;
        h.SlowStartInitialShare = Number(settings, "Balancing:Health:SlowStartInitialShare") ?? h.SlowStartInitialShare;
        if (settings.OneOf("Balancing:RetryBudget:Enabled", ["true", "false"]) == "false")
        {
            d.RetryBudget = null;
        }
        else if (d.RetryBudget is { } budget)
        {
            budget.Ratio = Number(settings, "Balancing:RetryBudget:Ratio") ?? budget.Ratio;
            budget.MinPerSecond = Number(settings, "Balancing:RetryBudget:MinPerSecond") ?? budget.MinPerSecond;
        }

        foreach (var service in configuration.GetSection("Balancing:Services").GetChildren())
        {
            var key = $"Balancing:Services:{service.Key}";
            var s = new ServiceSettings
            {
                Policy = settings.OneOf($"{key}:Policy", BalancingPolicies.All),
                Dns = settings.Text($"{key}:Dns"),
            };
            s.Scheme = settings.Text($"{key}:Scheme") ?? s.Scheme;
            s.DnsRefresh = settings.Duration($"{key}:DnsRefresh") ?? s.DnsRefresh;
            foreach (var endpoint in service.GetSection("Endpoints").GetChildren())
            {
                s.Endpoints.Add(EndpointOf(settings, $"{key}:Endpoints:{endpoint.Key}", endpoint));
            }

            o.Services[service.Key] = s;
        }
    }

    // An endpoint is a string ("http://10.0.0.7:8080") or an object with Address and Weight.
    private static ServiceEndpoint EndpointOf(SettingReader settings, string key, IConfigurationSection endpoint)
    {
        if (endpoint.Value is { Length: > 0 } address)
        {
            return new ServiceEndpoint(address.Trim());
        }

        var weight = settings.Count($"{key}:Weight") ?? 1;
        return new ServiceEndpoint(settings.Text($"{key}:Address") ?? throw settings.Error($"{key}:Address", "an endpoint needs an address"), (int)Math.Min(weight, int.MaxValue));
    }

    private static double? Number(SettingReader settings, string key) =>
        settings.Text(key) is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value
        : throw settings.Error(key, $"'{text}' is not a number");

    private sealed class Validation(DistKitBuilder builder, IServiceProvider services) : IValidateOptions<BalancingOptions>
    {
        public ValidateOptionsResult Validate(string? name, BalancingOptions options)
        {
            if (builder.Engines.ProblemWith(BalancingOptions.Capability, options.Engine, services) is { } problem)
            {
                return ValidateOptionsResult.Fail($"{builder.PathOf("Capabilities:Balancing")}: {problem}");
            }

            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (ArgumentOutOfRangeException e)
            {
                return ValidateOptionsResult.Fail($"{builder.PathOf("Balancing:" + e.ParamName)}: {e.Message.Split(" (Parameter")[0].Split(Environment.NewLine)[0]}");
            }
        }
    }
}
