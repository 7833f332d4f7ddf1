namespace DistKit.Server.Composition;

/// <summary>The engines this build serves: the one list a new engine adds itself to.</summary>
internal static class NodeEngines
{
    public static IReadOnlyList<NodeEngine> All { get; } =
    [
        new("embedded", [], distKit => distKit.AddSqlite()),
        new(
            RedisServiceCollectionExtensions.Redis,
            [new("Engines:Redis", "DISTKIT_REDIS"), new("Engines:Redlock", "DISTKIT_REDLOCK")],
            distKit => distKit.AddRedis()),
        new(EtcdServiceCollectionExtensions.Etcd, [new("Engines:Etcd", "DISTKIT_ETCD")], distKit => distKit.AddEtcd()),
        new(PostgresServiceCollectionExtensions.Postgres, [new("Engines:Postgres", "DISTKIT_POSTGRES")], distKit => distKit.AddPostgres()),
    ];
}
