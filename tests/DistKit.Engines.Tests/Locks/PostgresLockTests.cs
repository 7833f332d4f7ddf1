using DistKit.Locks;
using DistKit.Postgres.Locks;
using DistKit.Testing;
using Npgsql;

namespace DistKit.Engines.Tests.Locks;

public sealed class PostgresLockContractTests(PostgresFixture postgres) : FairLockProviderContract
{
    private static readonly PostgresLockOptions Options = PostgresLockOptions.Default with { LivenessCheck = TimeSpan.FromMilliseconds(200) };

    // The provider is the "connection": disposing it closes its idle sessions, which would
    // otherwise pile up against the server's connection limit across the suite.
    protected override Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync()
    {
        var locks = new PostgresLockProvider(postgres.ConnectionString, Options);
        return Task.FromResult<(IDistributedLockProvider, IAsyncDisposable)>((locks, locks));
    }

    protected override async Task AssertNoWaitersLeftAsync(string name) => Assert.Equal(0, await QueuedAsync(name));

    // Only this lock's waiters: other tests run their own locks on the same server meanwhile.
    protected override async Task<int> QueuedAsync(string name)
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var waiting = dataSource.CreateCommand(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND ((classid::bigint << 32) | objid::bigint) = $1");
        waiting.Parameters.Add(new NpgsqlParameter { Value = PostgresLockProvider.KeyOf(name) });
        return (int)(long)(await waiting.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
