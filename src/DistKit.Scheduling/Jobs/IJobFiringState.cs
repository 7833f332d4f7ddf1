namespace DistKit.Scheduling.Jobs;

/// <summary>What this process's firing service holds right now: for operators and tests, not for decisions.</summary>
public interface IJobFiringState
{
    /// <summary>This process's name among the firing nodes (new at each start).</summary>
    string Node { get; }

    /// <summary>The shards this process owns and fires, in order; empty when it does not fire.</summary>
    IReadOnlyList<int> OwnedShards { get; }

    /// <summary>How many jobs wait in this process's timing wheel.</summary>
    int PendingCount { get; }
}
