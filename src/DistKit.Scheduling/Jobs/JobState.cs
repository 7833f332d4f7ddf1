namespace DistKit.Scheduling.Jobs;

/// <summary>Where a job is in its life: scheduled → running → succeeded, or failed → (retried) → dead, or cancelled.</summary>
public enum JobState
{
    /// <summary>Waiting for its due time.</summary>
    Scheduled,

    /// <summary>Claimed by a shard's owner and being delivered.</summary>
    Running,

    /// <summary>Delivered; a cron job goes back to <see cref="Scheduled"/> for its next occurrence instead.</summary>
    Succeeded,

    /// <summary>An attempt failed; the job waits for its retry at its due time.</summary>
    Failed,

    /// <summary>Every attempt failed; it will not run again.</summary>
    Dead,

    /// <summary>Cancelled before it was delivered.</summary>
    Cancelled,
}

/// <summary>Helpers on <see cref="JobState"/>.</summary>
public static class JobStates
{
    /// <summary>True for states a job never leaves: succeeded, dead, cancelled.</summary>
    public static bool IsFinal(this JobState state) => state is JobState.Succeeded or JobState.Dead or JobState.Cancelled;

    /// <summary>The state's name as the node's API and the stores write it (<c>scheduled</c>, <c>running</c>, …).</summary>
    public static string ToWire(this JobState state) => state switch
    {
        JobState.Scheduled => "scheduled",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.Failed => "failed",
        JobState.Dead => "dead",
        JobState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Parses a state's wire name, case-insensitively; false for anything else.</summary>
    public static bool TryParse(string? text, out JobState state)
    {
        foreach (var candidate in Enum.GetValues<JobState>())
        {
            if (string.Equals(text, candidate.ToWire(), StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }
}
