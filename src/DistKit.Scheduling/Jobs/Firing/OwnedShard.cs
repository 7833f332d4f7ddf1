using DistKit.Core.Leases;

namespace DistKit.Scheduling.Jobs;

/// <summary>A shard this process holds the lease of, with the deliveries it has in flight.</summary>
internal sealed class OwnedShard(int shard, Lease lease)
{
    public int Shard => shard;

    public Lease Lease => lease;

    public long Fence => lease.FencingToken;

    /// <summary>Claims sent and deliveries running under this ownership; guarded by the firing's gate.</summary>
    public int InFlight { get; set; }

    /// <summary>Set once the shard is being handed back or was lost: nothing new is claimed under it.</summary>
    public bool Closing { get; set; }

    /// <summary>Completes when <see cref="Closing"/> is set and <see cref="InFlight"/> reaches zero.</summary>
    public TaskCompletionSource Drained { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
