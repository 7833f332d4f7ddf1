namespace DistKit.Ids.Segments;

/// <summary>
/// Hands out blocks of dense ids per key: each call atomically moves the key's counter forward by
/// the block size, so blocks never overlap, across processes sharing the store.
/// </summary>
public interface ISegmentStore
{
    /// <summary>Reserves the next <paramref name="size"/> ids of <paramref name="key"/>; the first block of a key starts at 1.</summary>
    ValueTask<IdBlock> AllocateAsync(string key, long size, CancellationToken cancellationToken = default);
}

/// <summary>Ids <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive).</summary>
/// <param name="Start">The first id of the block.</param>
/// <param name="End">One past the last id of the block.</param>
public readonly record struct IdBlock(long Start, long End)
{
    /// <summary>How many ids the block holds.</summary>
    public long Size => End - Start;
}
