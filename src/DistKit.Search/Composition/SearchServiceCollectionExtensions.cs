using DistKit.Core.Composition;
using DistKit.Search.Composition;
using DistKit.Search.Engine;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers search: <c>services.AddDistKit(configuration).AddLucene().AddSearch()</c>.</summary>
public static class SearchServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ISearchEngine"/> on the engine named by <c>DistKit:Capabilities:Search</c>
    /// (default <c>embedded</c>: Lucene.NET, from <c>AddLucene()</c>); a missing engine stops the app at start.
    /// </summary>
    public static DistKitBuilder AddSearch(this DistKitBuilder builder, Action<SearchOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var options = builder.Services.AddOptions<SearchOptions>().Configure(o =>
        {
            var settings = new SettingReader(configuration, Options.Options.DefaultName, typeof(SearchOptions));
            o.Engine = settings.Text($"Capabilities:{SearchOptions.Capability}") ?? o.Engine;
        });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure(o => o.Engine = o.Engine.Trim().ToLowerInvariant());
        options.ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SearchOptions>>(services => new Validation(builder, services));
        builder.Services.AddSingleton(services =>
            services.GetRequiredKeyedService<ISearchEngine>(services.GetRequiredService<IOptions<SearchOptions>>().Value.Engine));
        return builder;
    }

    private sealed class Validation(DistKitBuilder builder, IServiceProvider services) : IValidateOptions<SearchOptions>
    {
        public ValidateOptionsResult Validate(string? name, SearchOptions options) =>
            builder.Engines.ProblemWith(SearchOptions.Capability, options.Engine, services) is { } problem
                ? ValidateOptionsResult.Fail($"{builder.PathOf("Capabilities:Search")}: {problem}")
                : ValidateOptionsResult.Success;
    }
}
