using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;

namespace DistKit.Configuration.Values;

/// <summary>
/// What a value means: its text read as JSON by its type (for schemas), and the .NET configuration
/// keys it becomes under its key. One reading for the node, the CLI and the provider.
/// </summary>
public static class ConfigValues
{
    private static readonly JsonDocumentOptions Strict = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    /// <summary>Reads <paramref name="value"/> as <paramref name="type"/> into JSON.</summary>
    /// <exception cref="ConfigValidationException">It does not parse; the message says where.</exception>
    public static JsonNode? ToJson(string key, ConfigValueType type, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            return type switch
            {
                ConfigValueType.Json => JsonNode.Parse(value, documentOptions: Strict),
                ConfigValueType.Yaml => YamlToJson.Convert(value),
                ConfigValueType.Properties => Properties(value),
                _ => JsonValue.Create(value),
            };
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}: " : "";
            throw new ConfigValidationException(key, "", $"not valid JSON: {where}{Gist(e.Message.Split(" LineNumber:")[0])}");
        }
        catch (YamlException e)
        {
            throw new ConfigValidationException(key, "", $"not valid YAML: line {e.Start.Line}, column {e.Start.Column}: {Gist(e.Message)}");
        }
        catch (FormatException e)
        {
            throw new ConfigValidationException(key, "", $"not valid {type.ToWire()}: {e.Message}");
        }
    }

    /// <summary>
    /// The .NET configuration keys and values <paramref name="value"/> becomes under
    /// <paramref name="key"/>, as <c>appsettings.json</c> would give them: a JSON or YAML object's
    /// members and an array's items become sections (<c>Key:member</c>, <c>Key:0</c>), a properties
    /// value one key per line, a text value one key.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string?>> Flatten(string key, ConfigValueType type, string value)
    {
        if (type == ConfigValueType.Text)
        {
            return [new(key, value)];
        }

        var result = new List<KeyValuePair<string, string?>>();
        Flatten(key, ToJson(key, type, value), result);
        return result;
    }

    private static void Flatten(string path, JsonNode? node, List<KeyValuePair<string, string?>> into)
    {
        switch (node)
        {
            case JsonObject obj when obj.Count > 0:
                foreach (var (name, child) in obj)
                {
                    Flatten(path + ":" + name, child, into);
                }

                break;
            case JsonArray array when array.Count > 0:
                for (var i = 0; i < array.Count; i++)
                {
                    Flatten(path + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), array[i], into);
                }

                break;
            case JsonObject or JsonArray:
                // An empty object or array is a section with no children: an empty value, as
                // Microsoft's JSON provider gives it.
                into.Add(new(path, ""));
                break;
            case JsonValue scalar:
                into.Add(new(path, scalar.GetValueKind() switch
                {
                    JsonValueKind.String => scalar.GetValue<string>(),
                    JsonValueKind.True => bool.TrueString,
                    JsonValueKind.False => bool.FalseString,
                    _ => scalar.ToJsonString(),
                }));
                break;
            default:
                into.Add(new(path, null));
                break;
        }
    }

    // As java.util.Properties reads them: a key given twice takes its last value.
    private static JsonObject Properties(string value)
    {
        var result = new JsonObject();
        foreach (var (name, text) in PropertiesFormat.Parse(value))
        {
            result[name] = text;
        }

        return result;
    }

    private static string Gist(string message)
    {
        var cut = message.IndexOfAny(['\r', '\n']);
        return (cut < 0 ? message : message[..cut]).TrimEnd('.');
    }
}
