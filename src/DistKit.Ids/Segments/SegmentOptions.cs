namespace DistKit.Ids.Segments;

/// <summary>How a <see cref="SegmentIdAllocator"/> sizes and refills its blocks.</summary>
public sealed record SegmentOptions
{
    /// <summary>Blocks of 1,000 growing to 1,000,000, each meant to last about a minute, refilled at 10% left.</summary>
    public static SegmentOptions Default { get; } = new();

    /// <summary>The first block's size, between <see cref="MinBlockSize"/> and <see cref="MaxBlockSize"/>. Default: 1,000.</summary>
    public long InitialBlockSize { get; init; } = 1_000;

    /// <summary>The smallest block, at least 1. Default: 10.</summary>
    public long MinBlockSize { get; init; } = 10;

    /// <summary>The largest block. Default: 1,000,000.</summary>
    public long MaxBlockSize { get; init; } = 1_000_000;

    /// <summary>
    /// How long a block should last: a block used up in less than half of this doubles the next
    /// one, a block that lasts more than twice this halves it. 1 s to 1 day. Default: 1 min.
    /// </summary>
    public TimeSpan TargetBlockDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Fetch the next block when this fraction of the current one is left, 0.01 to 0.9. Default: 0.1.</summary>
    public double RefillAt { get; init; } = 0.1;

    /// <summary>The clock that times block use. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal SegmentOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MinBlockSize, 1, nameof(MinBlockSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBlockSize, MinBlockSize, nameof(MaxBlockSize));
        if (InitialBlockSize < MinBlockSize || InitialBlockSize > MaxBlockSize)
        {
            throw new ArgumentOutOfRangeException(nameof(InitialBlockSize), InitialBlockSize, $"InitialBlockSize must be {MinBlockSize} to {MaxBlockSize}.");
        }

        if (TargetBlockDuration < TimeSpan.FromSeconds(1) || TargetBlockDuration > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(TargetBlockDuration), TargetBlockDuration, "TargetBlockDuration must be 1 s to 1 day.");
        }

        if (RefillAt is < 0.01 or > 0.9)
        {
            throw new ArgumentOutOfRangeException(nameof(RefillAt), RefillAt, "RefillAt must be 0.01 to 0.9.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        return this;
    }
}
