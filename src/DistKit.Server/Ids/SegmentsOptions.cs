using DistKit.Core.Composition;
using Microsoft.Extensions.Options;

namespace DistKit.Server.Ids;

/// <summary>
/// Where the node reserves segment blocks (<c>/v1/segments</c>): <c>embedded</c> (SQLite in the data
/// directory; one node only) or <c>postgres</c> (shared by every node). Key: <c>Ids:Segments</c>.
/// </summary>
internal sealed class SegmentsOptions
{
    /// <summary>The name segment stores are registered under in the engine catalog.</summary>
    public const string Catalog = "segments";

    public string Engine { get; set; } = DistKitBuilder.Embedded;

    public static void Register(DistKitBuilder distKit)
    {
        var configuration = distKit.Configuration;
        distKit.Services.AddOptions<SegmentsOptions>()
            .Configure(segments =>
            {
                var settings = new SettingReader(configuration, Options.DefaultName, typeof(SegmentsOptions));
                segments.Engine = settings.Text("Ids:Segments")?.ToLowerInvariant() ?? segments.Engine;
            })
            .ValidateOnStart();
        distKit.Services.AddSingleton<IValidateOptions<SegmentsOptions>>(services => new Validation(distKit, services));
    }

    private sealed class Validation(DistKitBuilder distKit, IServiceProvider services) : IValidateOptions<SegmentsOptions>
    {
        public ValidateOptionsResult Validate(string? name, SegmentsOptions options) =>
            distKit.Engines.ProblemWith(Catalog, options.Engine, services) is { } problem
                ? ValidateOptionsResult.Fail($"{distKit.PathOf("Ids:Segments")}: {problem}")
                : ValidateOptionsResult.Success;
    }
}
