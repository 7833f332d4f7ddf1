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
        EngineNames.Etcd => Etcd,
        EngineNames.Postgres => Postgres,
        EngineNames.Nats => Nats,
        EngineNames.ZooKeeper => ZooKeeper,
        EngineNames.Elasticsearch => Elasticsearch,
        _ => null,
    };
}
