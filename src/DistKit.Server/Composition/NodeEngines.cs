namespace DistKit.Server.Composition;

/// <summary>The engines this build serves: the one list a new engine adds itself to.</summary>
internal static class NodeEngines
{
    public static IReadOnlyList<NodeEngine> All { get; } =
    [
        new("embedded", [], distKit => distKit.AddSqlite().AddLucene()),
        new(
            RedisServiceCollectionExtensions.Redis,
            [new("Engines:Redis", "DISTKIT_REDIS"), new("Engines:Redlock", "DISTKIT_REDLOCK")],
            distKit => distKit.AddRedis()),
        new(EtcdServiceCollectionExtensions.Etcd, [new("Engines:Etcd", "DISTKIT_ETCD")], distKit => distKit.AddEtcd()),
        new(PostgresServiceCollectionExtensions.Postgres, [new("Engines:Postgres", "DISTKIT_POSTGRES")], distKit => distKit.AddPostgres()),

        // Only when set: with NATS registered, jobs for NATS subjects are accepted, so a node
        // without a NATS must go on refusing them at schedule time.
        new(
            NatsServiceCollectionExtensions.Nats,
            [new("Engines:Nats", "DISTKIT_NATS")],
            distKit => string.IsNullOrEmpty(distKit.Configuration["Engines:Nats"]) ? distKit : distKit.AddNats()),
    ];
}
