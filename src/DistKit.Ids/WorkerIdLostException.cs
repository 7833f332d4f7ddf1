using DistKit.Core;

namespace DistKit.Ids;

/// <summary>
/// The generator's worker id is no longer guaranteed to be its own (its lease expired or was
/// lost), so it stopped issuing ids rather than risk a duplicate.
/// </summary>
public sealed class WorkerIdLostException : DistKitException
{
    /// <summary>Creates the exception for <paramref name="node"/>.</summary>
    public WorkerIdLostException(long node)
        : base($"worker id {node} is no longer held by this process; stopped issuing ids to avoid duplicates")
    {
        Node = node;
        IsTransient = true;
    }

    /// <summary>The node (worker) id that was lost.</summary>
    public long Node { get; }
}
