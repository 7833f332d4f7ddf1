namespace DistKit.Configuration;

/// <summary>A namespace's live keys as of one store revision.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Revision">The store revision the read saw: every release up to it is in, none after.</param>
/// <param name="Entries">The keys that exist, in key order.</param>
public sealed record ConfigSnapshot(string Namespace, long Revision, IReadOnlyList<ConfigEntry> Entries);
