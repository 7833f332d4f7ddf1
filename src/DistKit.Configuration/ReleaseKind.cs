namespace DistKit.Configuration;

/// <summary>How a release came about.</summary>
public enum ReleaseKind
{
    /// <summary>A change published directly or from drafts.</summary>
    Publish,

    /// <summary>A rollback: old values written again.</summary>
    Rollback,

    /// <summary>
    /// A gray release: values for the clients its target matches, on top of the namespace's. It
    /// changes no key's value or version; only the matching clients see it.
    /// </summary>
    Gray,

    /// <summary>A gray release abandoned: its changes are the namespace's values of the gray's keys, sent to the clients that had the gray.</summary>
    GrayEnd,

    /// <summary>A gray release promoted: its values published to everyone, which ends the gray.</summary>
    Promote,
}

/// <summary>What the kinds of release mean for the keys.</summary>
public static class ReleaseKinds
{
    /// <summary>True for the kinds that write keys (publish, rollback, promote); a gray and its end only tell clients.</summary>
    public static bool WritesKeys(this ReleaseKind kind) => kind is ReleaseKind.Publish or ReleaseKind.Rollback or ReleaseKind.Promote;

    /// <summary>True for the kinds that start or end a gray release.</summary>
    public static bool IsGrayState(this ReleaseKind kind) => kind is ReleaseKind.Gray or ReleaseKind.GrayEnd or ReleaseKind.Promote;

    /// <summary>The kind's wire name.</summary>
    public static string ToWire(this ReleaseKind kind) => kind switch
    {
        ReleaseKind.Rollback => "rollback",
        ReleaseKind.Gray => "gray",
        ReleaseKind.GrayEnd => "gray_end",
        ReleaseKind.Promote => "promote",
        _ => "publish",
    };

    /// <summary>Reads a wire name.</summary>
    public static ReleaseKind FromWire(string? kind) => kind switch
    {
        "rollback" => ReleaseKind.Rollback,
        "gray" => ReleaseKind.Gray,
        "gray_end" => ReleaseKind.GrayEnd,
        "promote" => ReleaseKind.Promote,
        _ => ReleaseKind.Publish,
    };
}
