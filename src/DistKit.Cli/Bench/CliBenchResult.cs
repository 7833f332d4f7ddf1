namespace DistKit.Cli.Bench;

/// <summary>The figures of one <c>distkit bench cli</c> run: medians in milliseconds, ratios DistKit over the peer.</summary>
internal sealed record CliBenchResult(
    int Runs,
    string Cli,
    bool Native,
    double LockRunEtcdMs,
    double EtcdctlLockMs,
    double LockRunEtcdRatio,
    double LockRunRedisMs,
    double RedisCliMs,
    double LockRunRedisRatio,
    double IdNextMs,
    double EtcdRatioTarget,
    double IdNextTargetMs,
    bool TargetsMet,
    double LockRunEtcdP90Ms,
    double EtcdctlLockP90Ms,
    double IdNextP90Ms,
    int ProcessorCount)
{
    public static CliBenchResult From(int runs, string cli, bool native, Dictionary<string, List<double>> times, double etcdTarget, double idTarget)
    {
        double Median(string name) => Math.Round(Percentile(times[name], 0.5), 1);
        double P90(string name) => Math.Round(Percentile(times[name], 0.9), 1);
        var etcdRatio = Math.Round(Median("lock_run_etcd") / Median("etcdctl_lock"), 2);
        return new CliBenchResult(
            Runs: runs,
            Cli: cli,
            Native: native,
            LockRunEtcdMs: Median("lock_run_etcd"),
            EtcdctlLockMs: Median("etcdctl_lock"),
            LockRunEtcdRatio: etcdRatio,
            LockRunRedisMs: Median("lock_run_redis"),
            RedisCliMs: Median("redis_cli"),
            LockRunRedisRatio: Math.Round(Median("lock_run_redis") / Median("redis_cli"), 2),
            IdNextMs: Median("id_next"),
            EtcdRatioTarget: etcdTarget,
            IdNextTargetMs: idTarget,
            TargetsMet: etcdRatio <= etcdTarget && Median("id_next") <= idTarget,
            LockRunEtcdP90Ms: P90("lock_run_etcd"),
            EtcdctlLockP90Ms: P90("etcdctl_lock"),
            IdNextP90Ms: P90("id_next"),
            ProcessorCount: Environment.ProcessorCount);
    }

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))];
    }
}
