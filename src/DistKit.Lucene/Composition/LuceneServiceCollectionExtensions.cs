using DistKit.Core.Composition;
using DistKit.Lucene;
using DistKit.Search.Composition;
using DistKit.Search.Engine;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded search engine: <c>services.AddDistKit(configuration).AddLucene()</c>.</summary>
public static class LuceneServiceCollectionExtensions
{
    /// <summary>Registers <see cref="LuceneSearchEngine"/> as the <c>embedded</c> search engine, its indices in <c>{DataDir}/search</c>.</summary>
    public static DistKitBuilder AddLucene(this DistKitBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Engines.Add(SearchOptions.Capability, DistKitBuilder.Embedded);
        builder.Services.AddSingleton(services => new LuceneSearchEngine(
            Path.Combine(services.GetRequiredService<IOptions<DistKitOptions>>().Value.DataDir, "search"),
            services.GetService<TimeProvider>()));
        builder.Services.AddKeyedSingleton<ISearchEngine>(DistKitBuilder.Embedded, (services, _) => services.GetRequiredService<LuceneSearchEngine>());
        return builder;
    }
}
