using DistKit.Configuration;
using DistKit.Configuration.Http;
using DistKit.Core.Composition;
using DistKit.Server.Composition;
using DistKit.Server.Settings;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace DistKit.Server.Configuration;

/// <summary>The configuration center in the node: <c>/v1/config/…</c>, watched over Server-Sent Events or long polls.</summary>
internal sealed class ConfigModule : INodeModule
{
    public string Capability => ConfigOptions.Capability;

    public IReadOnlyList<NodeSetting> Settings { get; } =
    [
        new("Config:ReplayLimit", "DISTKIT_CONFIG_REPLAY_LIMIT"),
        new("Config:Poll", "DISTKIT_CONFIG_POLL"),
        new("Config:MaxValueLength", "DISTKIT_CONFIG_MAX_VALUE_LENGTH"),
    ];

    public void AddServices(DistKitBuilder distKit)
    {
        distKit.AddConfiguration();
        distKit.Services.Configure<JsonOptions>(json => json.SerializerOptions.TypeInfoResolverChain.Add(ConfigJsonContext.Default));
    }

    public void MapRoutes(IEndpointRouteBuilder routes) => ConfigEndpoints.Map(routes);

    public string EngineOf(IServiceProvider services) => services.GetRequiredService<IOptions<ConfigOptions>>().Value.Engine;
}
