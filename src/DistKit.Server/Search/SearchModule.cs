using DistKit.Core.Composition;
using DistKit.Search.Composition;
using DistKit.Server.Composition;
using DistKit.Server.Settings;
using Microsoft.Extensions.Options;

namespace DistKit.Server.Search;

/// <summary>
/// Search in the node: the engine (embedded Lucene.NET by default) behind an Elasticsearch-compatible
/// API on a listener of its own (<c>Search:Urls</c>, default <c>http://127.0.0.1:9200</c>), so
/// Elasticsearch clients and tools point at it unchanged.
/// </summary>
internal sealed class SearchModule : INodeModule
{
    /// <summary>Where the Elasticsearch-compatible API listens unless told otherwise: Elasticsearch's own port, loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:9200";

    /// <summary>The setting's key; <c>none</c> turns the listener off.</summary>
    public const string UrlsKey = "Search:Urls";

    public string Capability => SearchOptions.Capability;

    public IReadOnlyList<NodeSetting> Settings { get; } = [new(UrlsKey, "DISTKIT_SEARCH_URLS")];

    /// <summary>The addresses the search listener takes; empty when it is off.</summary>
    public static IReadOnlyList<string> UrlsOf(NodeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = settings.Setting(UrlsKey) ?? DefaultUrls;
        return text.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)
            ? []
            : text.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public void AddServices(DistKitBuilder distKit)
    {
        distKit.AddSearch();
        distKit.Services.AddSingleton<SearchListener>();
        distKit.Services.AddHostedService(services => services.GetRequiredService<SearchListener>());
    }

    // The API has its own listener (SearchListener), not routes under /v1.
    public void MapRoutes(IEndpointRouteBuilder routes)
    {
    }

    public string EngineOf(IServiceProvider services) => services.GetRequiredService<IOptions<SearchOptions>>().Value.Engine;
}
