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

    [Fact(Timeout = 60_000)]
    public async Task HolderSessionKilled_FiresLost_AndTheNextHolderGetsALargerToken()
    {
        var name = NewName();
        var locks = new PostgresLockProvider(postgres.ConnectionString, Options);
        var held = await locks.CreateLock(name).AcquireAsync(cancellationToken: TestContext.Current.CancellationToken);
        var lost = new TaskCompletionSource();
        using var onLost = held.Lost.Register(() => lost.TrySetResult());

        await using (var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString))
        {
            await using var kill = dataSource.CreateCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND ((classid::bigint << 32) | objid::bigint) = $1");
            kill.Parameters.Add(new NpgsqlParameter { Value = PostgresLockProvider.KeyOf(name) });
            Assert.Equal(true, await kill.ExecuteScalarAsync(TestContext.Current.CancellationToken));
        }

        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await using var next = await locks.CreateLock(name).AcquireAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.True(next.FencingToken > held.FencingToken);
        await held.DisposeAsync();
    }

    private sealed class Nothing : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
