namespace DistKit.Ids;

/// <summary>The fields of one id under a layout.</summary>
/// <param name="Time">The start of the time unit the id was issued in (UTC).</param>
/// <param name="Ticks">The raw time field: units since the layout's epoch.</param>
/// <param name="Node">The whole node field (datacenter and worker together where the layout splits it).</param>
/// <param name="Datacenter">The datacenter part of the node, or null when the layout does not split the node.</param>
/// <param name="Worker">The worker part of the node, or null when the layout does not split the node.</param>
/// <param name="Sequence">The sequence number within the time unit.</param>
public readonly record struct IdParts(DateTimeOffset Time, long Ticks, long Node, long? Datacenter, long? Worker, long Sequence);
