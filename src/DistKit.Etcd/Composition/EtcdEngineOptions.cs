namespace DistKit.Etcd.Composition;

/// <summary>Where DistKit finds etcd: <c>DistKit:Engines:Etcd</c>.</summary>
public sealed class EtcdEngineOptions
{
    /// <summary>
    /// etcd client URL(s), comma-separated (<c>http://host:2379</c>); DistKit connects to the first.
    /// Key: <c>DistKit:Engines:Etcd</c>. Default: none.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>The URL DistKit connects to, or null when none is set.</summary>
    public string? FirstUrl => Url?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
