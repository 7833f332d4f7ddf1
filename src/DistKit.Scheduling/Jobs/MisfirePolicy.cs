namespace DistKit.Scheduling.Jobs;

/// <summary>What a cron job does when occurrences were missed (every node was down past them).</summary>
public enum MisfirePolicy
{
    /// <summary>Fire once now for all the missed occurrences, then go on from the next one. The default.</summary>
    FireOnce,

    /// <summary>Skip the missed occurrences and go on from the next one.</summary>
    Skip,
}
