namespace DistKit.Ids;

/// <summary>
/// Durable storage for a generator's high-water mark: an instant no id has been issued beyond.
/// A restarted generator starts above the mark, so ids never repeat across runs even when the
/// clock stepped back while the process was down.
/// </summary>
/// <remarks>
/// Called rarely (once per <see cref="IdGeneratorOptions.TimeMarkReach"/> while ids are issued),
/// from inside id generation: implementations are synchronous and must be durable when they return.
/// </remarks>
public interface ITimeMarkStore
{
    /// <summary>The stored mark, or null when none was ever stored.</summary>
    DateTimeOffset? Load();

    /// <summary>
    /// Stores <paramref name="mark"/> durably. Marks grow while ids are issued; a clean shutdown
    /// may store a lower one, down to the end of the last tick actually used.
    /// </summary>
    void Save(DateTimeOffset mark);
}
