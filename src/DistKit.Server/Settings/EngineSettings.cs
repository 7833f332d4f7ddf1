namespace DistKit.Server.Settings;

/// <summary>
/// Connection strings of the engines a node may use. Each is optional: a node with none of
/// them runs every capability on its embedded default.
/// </summary>
/// <remarks>These values may hold passwords: they are never logged and never served by the API.</remarks>
public sealed record EngineSettings
{
    /// <summary>StackExchange.Redis configuration string (<c>host:port,password=…</c>). Env: <c>DISTKIT_REDIS</c>. Default: none.</summary>
    public string? Redis { get; init; }

    /// <summary>
    /// StackExchange.Redis configuration strings of independent Redis instances (not replicas of one
    /// another) for Redlock, separated by <c>;</c>: <c>redis-a:6379;redis-b:6379;redis-c:6379</c>.
    /// Env: <c>DISTKIT_REDLOCK</c>. Default: none.
    /// </summary>
    public string? Redlock { get; init; }

    /// <summary>The Redlock instances' configuration strings, in order.</summary>
    public IReadOnlyList<string> RedlockInstances =>
        Redlock?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>etcd client URL(s), comma-separated (<c>http://host:2379</c>). Env: <c>DISTKIT_ETCD</c>. Default: none.</summary>
    public string? Etcd { get; init; }

    /// <summary>Npgsql connection string. Env: <c>DISTKIT_POSTGRES</c>. Default: none.</summary>
    public string? Postgres { get; init; }

    /// <summary>NATS URL (<c>nats://host:4222</c>). Env: <c>DISTKIT_NATS</c>. Default: none.</summary>
    public string? Nats { get; init; }

    /// <summary>ZooKeeper connect string (<c>host:2181,host:2181</c>). Env: <c>DISTKIT_ZOOKEEPER</c>. Default: none.</summary>
    public string? ZooKeeper { get; init; }

    /// <summary>Elasticsearch/OpenSearch base URL. Env: <c>DISTKIT_ELASTICSEARCH</c>. Default: none.</summary>
    public string? Elasticsearch { get; init; }

    /// <summary>Whether the named engine has a connection string.</summary>
    public bool IsConfigured(string engine) => ConnectionString(engine) is not null;

    internal string? ConnectionString(string engine) => engine switch
    {
        EngineNames.Redis => Redis,
        EngineNames.Redlock => Redlock,
        EngineNames.Etcd => Etcd,
        EngineNames.Postgres => Postgres,
        EngineNames.Nats => Nats,
        EngineNames.ZooKeeper => ZooKeeper,
        EngineNames.Elasticsearch => Elasticsearch,
        _ => null,
    };
}
