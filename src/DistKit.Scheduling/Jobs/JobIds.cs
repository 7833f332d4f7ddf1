namespace DistKit.Scheduling.Jobs;

/// <summary>Job ids and the shard each hashes into.</summary>
public static class JobIds
{
    /// <summary>A new id: a version 7 UUID in 32 hex digits, so ids sort roughly by creation time.</summary>
    public static string New(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
    }

    /// <summary>
    /// The shard of <paramref name="id"/> among <paramref name="shards"/>: FNV-1a of the id's
    /// characters, modulo the count. Stable across processes and versions (the stores keep it).
    /// </summary>
    public static int ShardOf(string id, int shards)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var hash = 2166136261u;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)shards);
    }

    /// <summary>True for a string shaped like a job id (1 to 64 letters, digits, '-' and '_').</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
