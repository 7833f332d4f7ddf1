using System.Text;
using System.Text.Json;

namespace DistKit.Search.Wire;

/// <summary>
/// Which parts of a document's <c>_source</c> a response carries: all (the default), none
/// (<c>_source: false</c>), or the fields that match include patterns and no exclude pattern. A
/// pattern is a dotted path with <c>*</c> wildcards; naming an object includes all of it.
/// </summary>
public sealed record SourceFilter
{
    /// <summary>The whole source.</summary>
    public static SourceFilter All { get; } = new();

    /// <summary>No source at all.</summary>
    public static SourceFilter None { get; } = new() { Enabled = false };

    /// <summary>False when no source is returned.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Patterns of fields to keep; empty keeps every field.</summary>
    public IReadOnlyList<string> Includes { get; init; } = [];

    /// <summary>Patterns of fields to drop.</summary>
    public IReadOnlyList<string> Excludes { get; init; } = [];

    /// <summary>True when the source passes through untouched.</summary>
    public bool IsAll => Enabled && Includes.Count == 0 && Excludes.Count == 0;

    /// <summary>
    /// Reads a <c>_source</c> value: <c>true</c>/<c>false</c>, a pattern, an array of them, or
    /// <c>{"includes": …, "excludes": …}</c>.
    /// </summary>
    /// <exception cref="SearchException"><c>parsing_exception</c> for any other shape.</exception>
    public static SourceFilter Read(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return All;
            case JsonValueKind.False:
                return None;
            case JsonValueKind.String or JsonValueKind.Array:
                return new SourceFilter { Includes = Patterns(value, "_source") };
            case JsonValueKind.Object:
                var filter = All;
                foreach (var property in value.EnumerateObject())
                {
                    filter = property.Name switch
                    {
                        "includes" or "include" => filter with { Includes = Patterns(property.Value, $"_source.{property.Name}") },
                        "excludes" or "exclude" => filter with { Excludes = Patterns(property.Value, $"_source.{property.Name}") },
                        _ => throw SearchException.Parsing($"[_source] unknown key [{property.Name}], expected [includes] or [excludes]"),
                    };
                }

                return filter;
            default:
                throw SearchException.Parsing($"[_source] takes a boolean, a string, an array or an object, found {value.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    /// <summary>
    /// Reads the URL parameters <c>_source</c> (<c>true</c>, <c>false</c> or comma-separated
    /// patterns), <c>_source_includes</c> and <c>_source_excludes</c>; null when none is given.
    /// </summary>
    public static SourceFilter? FromParameters(string? source, string? includes, string? excludes)
    {
        if (source is null && includes is null && excludes is null)
        {
            return null;
        }

        var filter = source switch
        {
            null or "true" => All,
            "false" => None,
            _ => new SourceFilter { Includes = Split(source) },
        };
        if (includes is not null)
        {
            filter = filter with { Enabled = true, Includes = Split(includes) };
        }

        return excludes is null ? filter : filter with { Excludes = Split(excludes) };
    }

    /// <summary>Writes <paramref name="source"/> (a JSON object) as this filter leaves it; nothing when the filter is <see cref="None"/>.</summary>
    public void Write(Utf8JsonWriter writer, string propertyName, string source)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(source);
        if (!Enabled)
        {
            return;
        }

        writer.WritePropertyName(propertyName);
        if (IsAll)
        {
            writer.WriteRawValue(source, skipInputValidation: true);
            return;
        }

        using var json = JsonDocument.Parse(source);
        WriteObject(writer, json.RootElement, "");
    }

    /// <summary>The filtered source as JSON text.</summary>
    public string Apply(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (IsAll)
        {
            return source;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (Enabled)
            {
                using var json = JsonDocument.Parse(source);
                WriteObject(writer, json.RootElement, "");
            }
            else
            {
                writer.WriteStartObject();
                writer.WriteEndObject();
            }
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void WriteObject(Utf8JsonWriter writer, JsonElement element, string prefix)
    {
        writer.WriteStartObject();
        foreach (var property in element.EnumerateObject())
        {
            var path = prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}";
            if (Excludes.Any(p => Glob(p, path)))
            {
                continue;
            }

            var included = Includes.Count == 0 || Includes.Any(p => Glob(p, path) || IsAncestorPattern(p, path));
            if (!included)
            {
                if (property.Value.ValueKind == JsonValueKind.Object && Includes.Any(p => MayMatchBelow(p, path)))
                {
                    writer.WritePropertyName(property.Name);
                    WriteObject(writer, property.Value, path);
                }

                continue;
            }

            writer.WritePropertyName(property.Name);
            if (property.Value.ValueKind == JsonValueKind.Object && Excludes.Any(p => MayMatchBelow(p, path)))
            {
                WriteObject(writer, property.Value, path);
            }
            else
            {
                property.Value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    // A pattern naming an object ("customer") includes everything under it ("customer.city").
    private static bool IsAncestorPattern(string pattern, string path)
    {
        for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = path.IndexOf('.', dot + 1))
        {
            if (Glob(pattern, path[..dot]))
            {
                return true;
            }
        }

        return false;
    }

    // Whether a pattern could match a field below the object at path: it starts with "path." (or a wildcard reaches there).
    private static bool MayMatchBelow(string pattern, string path)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        var literal = star >= 0 ? pattern[..star] : pattern;
        var below = path + ".";
        return literal.Length >= below.Length
            ? literal.StartsWith(below, StringComparison.Ordinal)
            : star >= 0 && below.StartsWith(literal, StringComparison.Ordinal);
    }

    private static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, starAt = -1, matchAt = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                starAt = p++;
                matchAt = t;
            }
            else if (starAt >= 0)
            {
                p = starAt + 1;
                t = ++matchAt;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static string[] Patterns(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return [value.GetString()!];
        }

        if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
        {
            return [.. value.EnumerateArray().Select(e => e.GetString()!)];
        }

        throw SearchException.Parsing($"[{path}] takes a string or an array of strings");
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
