namespace DistKit.Server.Settings;

/// <summary>The names by which settings, the API and the docs refer to engines.</summary>
public static class EngineNames
{
    /// <summary>In-process, SQLite or Lucene.NET: needs no server.</summary>
    public const string Embedded = "embedded";

    /// <summary>Redis.</summary>
    public const string Redis = "redis";

    /// <summary>Redlock: N independent Redis instances, a lock held while a majority holds it.</summary>
    public const string Redlock = "redlock";

    /// <summary>etcd v3.</summary>
    public const string Etcd = "etcd";

    /// <summary>PostgreSQL.</summary>
    public const string Postgres = "postgres";

    /// <summary>NATS with JetStream.</summary>
    public const string Nats = "nats";

    /// <summary>ZooKeeper.</summary>
    public const string ZooKeeper = "zookeeper";

    /// <summary>Elasticsearch or OpenSearch.</summary>
    public const string Elasticsearch = "elasticsearch";
}
