namespace DistKit.Configuration;

/// <summary>A change staged in a namespace and not yet published.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Change">The staged change (its <see cref="ConfigChange.ExpectedVersion"/> is checked at publish).</param>
/// <param name="Author">Who staged it.</param>
/// <param name="Sequence">The store's draft sequence when it was staged; staging the key again replaces it with a later one.</param>
/// <param name="Staged">When it was staged.</param>
public sealed record ConfigDraft(string Namespace, ConfigChange Change, string Author, long Sequence, DateTimeOffset Staged);
