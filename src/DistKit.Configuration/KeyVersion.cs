namespace DistKit.Configuration;

/// <summary>One version of a key in its history: what a release wrote (or that it deleted the key).</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="Version">The key's version this row is.</param>
/// <param name="Revision">The store revision of the release that wrote it.</param>
/// <param name="Type">The value's type (of the deleted value, for a delete).</param>
/// <param name="Value">The value as written; null when this version deleted the key.</param>
/// <param name="Author">Who published it.</param>
/// <param name="Message">The release's message.</param>
/// <param name="Time">When it was published.</param>
public sealed record KeyVersion(
    string Namespace, string Key, long Version, long Revision, ConfigValueType Type, string? Value, string Author, string Message, DateTimeOffset Time)
{
    /// <summary>True when this version deleted the key.</summary>
    public bool Deleted => Value is null;
}
