using DistKit.Core.Composition;
using DistKit.Core.Leases;

namespace DistKit.Locks.Composition;

/// <summary>The locks capability's settings: which engine holds the locks, and their lease.</summary>
public sealed class LocksOptions
{
    /// <summary>The capability's name in settings (<c>DistKit:Capabilities:Locks</c>) and in the engine catalog.</summary>
    public const string Capability = "locks";

    /// <summary>
    /// The engine that holds the locks: <c>embedded</c> (this process only), or one an engine package
    /// registered (<c>redis</c>, <c>redlock</c>, <c>etcd</c>, <c>postgres</c>). Key:
    /// <c>DistKit:Capabilities:Locks</c>. Default: <c>embedded</c>.
    /// </summary>
    public string Engine { get; set; } = DistKitBuilder.Embedded;

    /// <summary>
    /// The lease behind each held lock on Redis, Redlock and etcd: how long it outlives a holder that
    /// stopped answering (<c>DistKit:Locks:Ttl</c>, default 15s) and how often it is renewed
    /// (<c>DistKit:Locks:RenewEvery</c>, default a third of the TTL). PostgreSQL locks live as long
    /// as their session.
    /// </summary>
    public LeaseOptions Lease { get; set; } = LeaseOptions.Default;
}
