using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using DistKit.Configuration.Values;

namespace DistKit.Configuration.Internal;

/// <summary>Checks changes before they are stored: each value against its type and key schema, the namespace as it would become against the namespace schema.</summary>
internal sealed class ConfigValidator(IConfigStore store, ConfigOptions options)
{
    private const int MaxBuiltSchemas = 1024;
    private readonly ConcurrentDictionary<string, ConfigSchema> _built = new(StringComparer.Ordinal);

    /// <summary>
    /// Throws <see cref="ConfigValidationException"/> for the first invalid change; returns the
    /// revision the namespace check read at (the release must be based on it), or null when the
    /// namespace has no schema.
    /// </summary>
    public async ValueTask<long?> CheckAsync(string ns, IReadOnlyList<ConfigChange> changes, ConfigSnapshot? known, CancellationToken cancellationToken)
    {
        var schemas = await store.SchemasAsync(ns, cancellationToken);
        foreach (var change in changes)
        {
            CheckValue(change, schemas);
        }

        if (!schemas.TryGetValue("", out var namespaceSchema))
        {
            return null;
        }

        var snapshot = known ?? await store.ReadAsync(ns, null, cancellationToken);
        Built(namespaceSchema).Check(null, NamespaceObject(snapshot.Entries, changes));
        return snapshot.Revision;
    }

    /// <summary>Checks one change's value against its type and its key's schema.</summary>
    public void CheckValue(ConfigChange change, IReadOnlyDictionary<string, string> schemas)
    {
        if (change.Value is not { } value)
        {
            return;
        }

        if (value.Length > options.MaxValueLength)
        {
            throw new ConfigValidationException(change.Key, "", $"the value is {value.Length} characters; at most {options.MaxValueLength}");
        }

        var json = ConfigValues.ToJson(change.Key, change.Type, value);
        if (schemas.TryGetValue(change.Key, out var schema))
        {
            Built(schema).Check(change.Key, json);
        }
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
