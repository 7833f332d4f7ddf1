using DistKit.Core.Leases;
using DistKit.Postgres.Leases;
using DistKit.Testing;
using Npgsql;

namespace DistKit.Engines.Tests.Leases;

public sealed class PostgresLeaseTests(PostgresFixture postgres) : LeaseStoreContract
{
    protected override Task<(ILeaseStore Store, IAsyncDisposable Connection)> ConnectAsync()
    {
        var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        return Task.FromResult<(ILeaseStore, IAsyncDisposable)>((new PostgresLeaseStore(dataSource), dataSource));
    }

    protected override Task TakeAwayAsync(ILeaseStore store, Lease lease) => TakeAwayByNameAsync(store, lease.Name);

    protected override async Task TakeAwayByNameAsync(ILeaseStore store, string name)
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
        await using var command = dataSource.CreateCommand("UPDATE distkit_leases SET owner = 'operator' WHERE name = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        Assert.Equal(1, await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
    }
}
