namespace DistKit.Configuration;

/// <summary>One change a release asks for: write a key, or delete it.</summary>
/// <param name="Key">The key.</param>
/// <param name="Type">How <paramref name="Value"/> parses (for a delete, ignored).</param>
/// <param name="Value">The new value; null deletes the key.</param>
/// <param name="ExpectedVersion">Compare-and-set: the release commits only if the key is at this version (0: does not exist). Null: any.</param>
public sealed record ConfigChange(string Key, ConfigValueType Type, string? Value, long? ExpectedVersion = null)
{
    /// <summary>A change that deletes <paramref name="key"/>.</summary>
    public static ConfigChange Delete(string key, long? expectedVersion = null) => new(key, ConfigValueType.Text, null, expectedVersion);
}
