namespace DistKit.Configuration;

/// <summary>A key's current value.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Key">The key.</param>
/// <param name="Type">How <paramref name="Value"/> parses.</param>
/// <param name="Value">The value, byte for byte as written.</param>
/// <param name="Version">The key's version: 1 when first written, +1 at each change (deletes included).</param>
/// <param name="Revision">The store revision of the release that wrote this version.</param>
/// <param name="Author">Who published it.</param>
/// <param name="Updated">When it was published.</param>
public sealed record ConfigEntry(
    string Namespace, string Key, ConfigValueType Type, string Value, long Version, long Revision, string Author, DateTimeOffset Updated);
