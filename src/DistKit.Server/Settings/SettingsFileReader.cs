using System.Globalization;
using System.Text.Json;

namespace DistKit.Server.Settings;

/// <summary>
/// Reads <c>distkit.json</c>: the node's own keys, and sections of the DistKit configuration whose
/// keys the engines and modules declare (<see cref="NodeSettingsCatalog"/>). An unknown key is an
/// error, so a typo does not pass silently.
/// </summary>
internal static class SettingsFileReader
{
    private static readonly JsonDocumentOptions Parsing = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly string[] NodeKeys = ["urls", "dataDir", "tokens", "logFormat", "logLevel"];

    public static NodeSettings Read(string path, NodeSettingsCatalog catalog)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream, Parsing);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? FromRoot(document.RootElement, catalog, path)
                : throw Problem(path, $"holds {Describe(document.RootElement.ValueKind)}, expected an object");
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } n ? $" (line {n + 1})" : "";
            throw Problem(path, $"not valid JSON{line}");
        }
        catch (IOException e)
        {
            throw Problem(path, $"cannot be read: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw Problem(path, $"cannot be read: {e.Message}");
        }
    }

    private static NodeSettings FromRoot(JsonElement root, NodeSettingsCatalog catalog, string path)
    {
        var settings = NodeSettings.Default;
        var distKit = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in root.EnumerateObject())
        {
            var name = property.Name;
            if (Is(name, "urls"))
            {
                settings = settings with { Urls = Text(property, name, path) ?? settings.Urls };
            }
            else if (Is(name, "dataDir"))
            {
                settings = settings with { DataDir = Text(property, name, path) ?? settings.DataDir };
            }
            else if (Is(name, "logFormat"))
            {
                settings = settings with { LogFormat = Text(property, name, path) ?? settings.LogFormat };
            }
            else if (Is(name, "logLevel"))
            {
                settings = settings with { LogLevel = Text(property, name, path) ?? settings.LogLevel };
            }
            else if (Is(name, "tokens"))
            {
                settings = settings with { Tokens = Tokens(property, path) };
            }
            else if (catalog.Sections.Any(s => Is(name, s)))
            {
                Flatten(property.Value, name, catalog, path, distKit);
            }
            else
            {
                var known = NodeKeys.Concat(catalog.Sections.Select(Camel));
                throw Problem(path, $"unknown setting '{name}'; known: {string.Join(", ", known)}");
            }
        }

        return settings with { DistKit = distKit };
    }

    // A section's keys become configuration keys (engines.redis → Engines:Redis), spelled as declared.
    private static void Flatten(JsonElement value, string key, NodeSettingsCatalog catalog, string path, Dictionary<string, string> into)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in value.EnumerateObject())
            {
                Flatten(property.Value, $"{key}:{property.Name}", catalog, path, into);
            }

            return;
        }

        var section = key.Split(':')[0];
        if (catalog.Find(key) is not { } setting)
        {
            var known = catalog.KeysIn(section).Select(Camel);
            throw Problem(path, $"unknown setting '{Display(key)}'; known in {Camel(section)}: {string.Join(", ", known)}");
        }

        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => value.GetBoolean() ? "true" : "false",
            JsonValueKind.Null => null,
            _ => throw Problem(path, $"setting '{Display(key)}' has the wrong type ({Describe(value.ValueKind)}; expected a string or a number)"),
        };
        if (text is not null)
        {
            into[setting.Key] = text;
        }
    }

    private static string? Text(JsonProperty property, string key, string path) => property.Value.ValueKind switch
    {
        JsonValueKind.String => property.Value.GetString(),
        JsonValueKind.Null => null,
        _ => throw Problem(path, $"setting '{key}' has the wrong type ({Describe(property.Value.ValueKind)}; expected a string)"),
    };

    private static string[] Tokens(JsonProperty property, string path)
    {
        if (property.Value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (property.Value.ValueKind != JsonValueKind.Array || property.Value.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
        {
            throw Problem(path, "setting 'tokens' has the wrong type (expected an array of strings)");
        }

        return [.. property.Value.EnumerateArray().Select(t => t.GetString()!)];
    }

    private static bool Is(string name, string key) => string.Equals(name, key, StringComparison.OrdinalIgnoreCase);

    // Keys are shown as a settings file writes them: engines.redis, ids.worker.
    private static string Display(string key) => string.Join('.', key.Split(':').Select(Camel));

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLower(name[0], CultureInfo.InvariantCulture) + name[1..];

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static SettingsException Problem(string path, string problem) => new("config", $"file '{path}': {problem}");
}
