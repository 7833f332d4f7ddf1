using System.Collections.Frozen;

namespace DistKit.Balancing;

/// <summary>One instance a call can go to.</summary>
/// <param name="Address">Where it is (<c>http://10.0.0.7:8080</c>, <c>10.0.0.7:8080</c>); unique within a set.</param>
/// <param name="Weight">Its share relative to the others, 1 to 10,000. Default 1.</param>
public sealed record ServiceEndpoint(string Address, int Weight = 1)
{
    /// <summary>What the instance says about itself (zone, version); not read by the policies.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = FrozenDictionary<string, string>.Empty;

    /// <summary>Equal when address and weight are: the metadata does not change where calls go.</summary>
    public bool Equals(ServiceEndpoint? other) => other is not null && Address == other.Address && Weight == other.Weight;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Address, Weight);
}
