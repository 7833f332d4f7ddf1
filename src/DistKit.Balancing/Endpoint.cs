namespace DistKit.Balancing;

/// <summary>One instance a call can go to.</summary>
/// <param name="Address">Where it is (<c>10.0.0.7:8080</c>, a URL); unique within a set.</param>
/// <param name="Weight">Its share relative to the others, 1 to 10,000. Default 1.</param>
public sealed record Endpoint(string Address, int Weight = 1);
