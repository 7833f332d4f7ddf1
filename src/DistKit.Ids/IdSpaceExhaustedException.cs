using DistKit.Core;

namespace DistKit.Ids;

/// <summary>The layout's time field has run out (its exhaustion date has passed); no id was issued.</summary>
public sealed class IdSpaceExhaustedException : DistKitException
{
    /// <summary>Creates the exception for a layout that ran out at <paramref name="exhaustedAt"/>.</summary>
    public IdSpaceExhaustedException(DateTimeOffset exhaustedAt)
        : base($"the id layout's time bits ran out at {exhaustedAt:O}; choose a layout with a later epoch or more time bits")
        => ExhaustedAt = exhaustedAt;

    /// <summary>When the layout's time field ran out.</summary>
    public DateTimeOffset ExhaustedAt { get; }
}
