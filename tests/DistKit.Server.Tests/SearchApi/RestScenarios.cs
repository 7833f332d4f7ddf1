using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace DistKit.Server.Tests.SearchApi;

/// <summary>
/// The search API's conformance scenarios: files in Elasticsearch's YAML REST test format under
/// <c>SearchApi/rest</c>, each a <c>setup</c> (run before every test), an optional <c>teardown</c>,
/// and named tests, every one a list of steps (<c>do</c>, <c>match</c>, <c>set</c>, <c>length</c>, …).
/// </summary>
internal sealed record RestFile(string Name, IReadOnlyList<JsonObject> Setup, IReadOnlyList<JsonObject> Teardown, IReadOnlyDictionary<string, IReadOnlyList<JsonObject>> Tests)
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "SearchApi", "rest");

    public static IEnumerable<RestFile> All() =>
        System.IO.Directory.GetFiles(Directory, "*.yml").Order(StringComparer.Ordinal).Select(Load);

    public static RestFile Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            yaml.Load(reader);
        }

        IReadOnlyList<JsonObject> setup = [], teardown = [];
        var tests = new Dictionary<string, IReadOnlyList<JsonObject>>(StringComparer.Ordinal);
        foreach (var document in yaml.Documents)
        {
            var root = (JsonObject)YamlJson.Convert(document.RootNode)!;
            foreach (var (name, steps) in root)
            {
                var list = steps!.AsArray().Select(s => s!.AsObject()).ToList();
                switch (name)
                {
                    case "setup":
                        setup = list;
                        break;
                    case "teardown":
                        teardown = list;
                        break;
                    default:
                        if (!tests.TryAdd(name, list))
                        {
                            throw new InvalidOperationException($"{Path.GetFileName(path)}: test \"{name}\" appears twice");
                        }

                        break;
                }
            }
        }

        return new RestFile(Path.GetFileNameWithoutExtension(path), setup, teardown, tests);
    }
}
