using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DistKit.Configuration.Values;

namespace DistKit.Configuration.Internal;

/// <summary>
/// A namespace's values against their types and schemas, with each schema built once: what the
/// center checks before a release is stored and the provider before it applies one.
/// </summary>
internal sealed class SchemaChecks
{
    private const int MaxBuiltSchemas = 1024;
    private readonly ConcurrentDictionary<string, ConfigSchema> _built = new(StringComparer.Ordinal);

    /// <summary>Checks a value against its type and its key's schema in <paramref name="schemas"/>.</summary>
    /// <exception cref="ConfigValidationException">It does not parse, or breaks the schema.</exception>
    public void CheckValue(string key, ConfigValueType type, string value, IReadOnlyDictionary<string, string> schemas)
    {
        var json = ConfigValues.ToJson(key, type, value);
        if (schemas.TryGetValue(key, out var schema))
        {
            Built(schema).Check(key, json);
        }
    }

    /// <summary>
    /// Checks the namespace made of <paramref name="entries"/> with <paramref name="changes"/> applied
    /// against the namespace schema in <paramref name="schemas"/>; true when there is one.
    /// </summary>
    /// <exception cref="ConfigValidationException">The namespace breaks it.</exception>
    public bool CheckNamespace(IReadOnlyDictionary<string, string> schemas, IEnumerable<ConfigEntry> entries, IReadOnlyList<ConfigChange> changes)
    {
        if (!schemas.TryGetValue("", out var schema))
        {
            return false;
        }

        Built(schema).Check(null, NamespaceObject(entries, changes));
        return true;
    }

    /// <summary>The schema in <paramref name="text"/>, built once.</summary>
    public ConfigSchema Built(string text)
    {
        if (_built.TryGetValue(text, out var schema))
        {
            return schema;
        }

        if (_built.Count >= MaxBuiltSchemas)
        {
            _built.Clear();
        }

        return _built.GetOrAdd(text, ConfigSchema.Parse);
    }

    /// <summary>The namespace as one JSON object of its keys' values read as JSON, with <paramref name="changes"/> applied.</summary>
    public static JsonObject NamespaceObject(IEnumerable<ConfigEntry> entries, IReadOnlyList<ConfigChange> changes)
    {
        var result = new JsonObject();
        foreach (var entry in entries)
        {
            result[entry.Key] = ConfigValues.ToJson(entry.Key, entry.Type, entry.Value);
        }

        foreach (var change in changes)
        {
            if (change.Value is null)
            {
                result.Remove(change.Key);
            }
            else
            {
                result[change.Key] = ConfigValues.ToJson(change.Key, change.Type, change.Value);
            }
        }

        return result;
    }
}
