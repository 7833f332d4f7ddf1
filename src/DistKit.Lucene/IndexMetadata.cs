using System.Text.Json;
using DistKit.Search.Engine;

namespace DistKit.Lucene;

/// <summary>An index's definition on disk (<c>index.json</c>), written whole to a temporary file and renamed over the old one.</summary>
internal static class IndexMetadata
{
    public static void Write(string path, IndexDefinition definition)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var w = new Utf8JsonWriter(file))
            {
                w.WriteStartObject();
                w.WriteNumber("number_of_shards", definition.Shards);
                w.WriteNumber("refresh_interval_ms", definition.RefreshInterval == Timeout.InfiniteTimeSpan ? -1 : (long)definition.RefreshInterval.TotalMilliseconds);
                w.WriteStartObject("mappings");
                foreach (var (field, mapping) in definition.Mappings.OrderBy(m => m.Key, StringComparer.Ordinal))
                {
                    w.WriteStartObject(field);
                    w.WriteString("type", mapping.TypeName);
                    if (mapping.Analyzer is { } analyzer)
                    {
                        w.WriteString("analyzer", analyzer);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static IndexDefinition Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var refresh = root.GetProperty("refresh_interval_ms").GetInt64();
        return new IndexDefinition
        {
            Shards = root.GetProperty("number_of_shards").GetInt32(),
            RefreshInterval = refresh < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(refresh),
            Mappings = root.GetProperty("mappings").EnumerateObject().ToDictionary(
                p => p.Name,
                p => new FieldMapping(
                    FieldMapping.TypeOf(p.Value.GetProperty("type").GetString()!) ?? throw new InvalidDataException($"{path}: unknown type for {p.Name}"),
                    p.Value.TryGetProperty("analyzer", out var analyzer) ? analyzer.GetString() : null),
                StringComparer.Ordinal),
        };
    }
}
