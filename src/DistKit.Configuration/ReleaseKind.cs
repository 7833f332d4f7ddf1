namespace DistKit.Configuration;

/// <summary>How a release came about.</summary>
public enum ReleaseKind
{
    /// <summary>A change published directly or from drafts.</summary>
    Publish,

    /// <summary>A rollback: old values written again.</summary>
    Rollback,
}
