using DistKit.Core.Composition;
using DistKit.Core.Leases;

namespace DistKit.Ids.Composition;

/// <summary>The IDs capability's settings: the layout, and where the worker id comes from.</summary>
public sealed class IdsOptions
{
    /// <summary>The capability's name in settings (<c>DistKit:Capabilities:Ids</c>) and in the engine catalog.</summary>
    public const string Capability = "ids";

    /// <summary>
    /// Where worker ids are leased: <c>embedded</c> (one kept in a file under
    /// <see cref="DistKitOptions.DataDir"/>), or an engine package's (<c>redis</c>, <c>etcd</c>,
    /// <c>postgres</c>), so processes on many machines never share one. Ids themselves never leave
    /// the process. Key: <c>DistKit:Capabilities:Ids</c>. Default: <c>embedded</c>.
    /// </summary>
    public string Engine { get; set; } = DistKitBuilder.Embedded;

    /// <summary>A fixed worker id, used instead of <see cref="Engine"/>. Key: <c>DistKit:Ids:Worker</c>. Default: none.</summary>
    public long? Worker { get; set; }

    /// <summary>The bit layout: a preset (<c>snowflake</c>, <c>sonyflake</c>, <c>js-safe</c>) or a spec. Key: <c>DistKit:Ids:Layout</c>. Default: Snowflake.</summary>
    public IdLayout Layout { get; set; } = IdLayout.Snowflake;

    /// <summary>What to do when the clock steps back. Key: <c>DistKit:Ids:ClockPolicy</c> (<c>wait</c>, <c>fail</c>, <c>logical</c>). Default: wait.</summary>
    public ClockBackwardsPolicy ClockPolicy { get; set; } = ClockBackwardsPolicy.Wait;

    /// <summary>
    /// The lease on an engine-held worker id: how long it outlives a process that was killed.
    /// Key: <c>DistKit:Ids:WorkerTtl</c>. Default: 15s.
    /// </summary>
    public LeaseOptions WorkerLease { get; set; } = LeaseOptions.Default;
}
