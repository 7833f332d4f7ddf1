using DistKit.Core.Leases;

namespace DistKit.Postgres.Leases;

/// <summary>A lease row held by this owner.</summary>
internal sealed class PostgresLease : Lease
{
    private readonly PostgresLeaseStore _store;
    private readonly TimeSpan _engineTtl;

    private PostgresLease(PostgresLeaseStore store, string name, string token, long fence, LeaseOptions options, long started)
        : base(name, token, fence, options, started)
    {
        _store = store;
        _engineTtl = options.EngineTtl;
    }

    public static PostgresLease Start(PostgresLeaseStore store, string name, string token, long fence, LeaseOptions options, long started)
    {
        var lease = new PostgresLease(store, name, token, fence, options, started);
        lease.Start();
        return lease;
    }

    protected override string Engine => "postgres";

    protected override ValueTask<bool> RenewCoreAsync(CancellationToken cancellationToken) =>
        _store.RenewAsync(Name, OwnerToken, _engineTtl, cancellationToken);

    protected override ValueTask ReleaseCoreAsync(CancellationToken cancellationToken) =>
        _store.ReleaseAsync(Name, OwnerToken, cancellationToken);
}
