namespace DistKit.Configuration;

/// <summary>A set of changes to one namespace, published at once under one store revision.</summary>
/// <param name="Revision">The store revision the release took.</param>
/// <param name="Namespace">The namespace.</param>
/// <param name="Kind">Publish or rollback.</param>
/// <param name="Author">Who published it.</param>
/// <param name="Message">Why.</param>
/// <param name="Time">When.</param>
/// <param name="Changes">The versions it wrote, in key order (for a gray release and its end, the values it sends, with version 0).</param>
/// <param name="Target">For a gray release, the clients it reaches.</param>
public sealed record ConfigRelease(
    long Revision, string Namespace, ReleaseKind Kind, string Author, string Message, DateTimeOffset Time, IReadOnlyList<KeyVersion> Changes, GrayTarget? Target = null);
