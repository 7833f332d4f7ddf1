namespace DistKit.Configuration.Internal;

/// <summary>Checks changes before they are stored: each value against its size, type and key schema, the namespace as it would become against the namespace schema.</summary>
internal sealed class ConfigValidator(IConfigStore store, ConfigOptions options)
{
    private readonly SchemaChecks _checks = new();

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

        if (!schemas.ContainsKey(""))
        {
            return null;
        }

        var snapshot = known ?? await store.ReadAsync(ns, null, cancellationToken);
        _checks.CheckNamespace(schemas, snapshot.Entries, changes);
        return snapshot.Revision;
    }

    /// <summary>Checks one change's value against its size, type and its key's schema.</summary>
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

        _checks.CheckValue(change.Key, change.Type, value, schemas);
    }
}
