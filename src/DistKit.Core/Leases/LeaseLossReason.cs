namespace DistKit.Core.Leases;

/// <summary>Why a lease (and the lock or worker id on it) stopped being its holder's.</summary>
public enum LeaseLossReason
{
    /// <summary>Still held.</summary>
    None,

    /// <summary>A renewal reached the engine and found the lease no longer this holder's (taken over, expired there, deleted).</summary>
    RenewalRefused,

    /// <summary>No renewal got through before the lease's validity ran out (engine down, partition, a stalled process).</summary>
    ValidityExpired,

    /// <summary>The engine session the lease lived in ended (a PostgreSQL connection closed).</summary>
    SessionEnded,

    /// <summary>The holder gave it back or stopped keeping it: not a loss.</summary>
    Released,
}
