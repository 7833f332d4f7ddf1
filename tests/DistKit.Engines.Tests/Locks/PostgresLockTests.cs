using DistKit.Locks;
using DistKit.Postgres.Locks;
using DistKit.Testing;
using Npgsql;

namespace DistKit.Engines.Tests.Locks;

public sealed class PostgresLockContractTests(PostgresFixture postgres) : FairLockProviderContract
{
    private static readonly PostgresLockOptions Options = PostgresLockOptions.Default with { LivenessCheck = TimeSpan.FromMilliseconds(200) };

    protected override Task<(IDistributedLockProvider Locks, IAsyncDisposable Connection)> ConnectAsync() =>
        Task.FromResult<(IDistributedLockProvider, IAsyncDisposable)>((new PostgresLockProvider(postgres.ConnectionString, Options), new Nothing()));

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

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
