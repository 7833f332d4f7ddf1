using DistKit.Testing.Internal;
using Npgsql;
using StackExchange.Redis;

namespace DistKit.Testing.Tests;

/// <summary>Restart and SIGKILL work on real servers, each test on its own instance.</summary>
public sealed class FaultTests
{
    [Fact(Timeout = 60_000)]
    public async Task RedisRestart_KeepsPortAndPersistedData()
    {
        await using var server = new RedisServer(persistent: true);
        await server.StartAsync(TestContext.Current.CancellationToken);
        var port = server.Port;
        var pidBefore = server.ProcessId;
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString))
        {
            await connection.GetDatabase().StringSetAsync("survives", "restart");
        }

        await server.RestartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(port, server.Port);
        Assert.NotEqual(pidBefore, server.ProcessId);
        await using var again = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        Assert.Equal("restart", (string?)await again.GetDatabase().StringGetAsync("survives"));
    }

    [Fact(Timeout = 60_000)]
    public async Task RedisKill_EndsTheProcessAtOnceAndRefusesConnections()
    {
        await using var server = new RedisServer();
        await server.StartAsync(TestContext.Current.CancellationToken);
        var pid = server.ProcessId!.Value;

        await server.KillAsync();

        Assert.False(server.IsRunning);
        Assert.False(Signals.IsAlive(pid));
        var options = ConfigurationOptions.Parse(server.ConnectionString);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 500;
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(options));
    }

    [Fact(Timeout = 60_000)]
    public async Task PostgresKill_TakesTheBackendsDown_AndRestartRecoversCommittedRows()
    {
        await using var server = new PostgresServer();
        await server.StartAsync(TestContext.Current.CancellationToken);
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand("CREATE TABLE t(v int); INSERT INTO t VALUES (7);", connection);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        var postmaster = server.ProcessId!.Value;
        var backends = Signals.Descendants(postmaster);
        Assert.NotEmpty(backends);

        await server.KillAsync();

        Assert.False(Signals.IsAlive(postmaster));
        Assert.All(backends, pid => Assert.False(Signals.IsAlive(pid)));

        // Crash recovery replays the WAL: the committed row is back.
        await server.StartAsync(TestContext.Current.CancellationToken);
        NpgsqlConnection.ClearAllPools();
        await using var after = new NpgsqlConnection(server.ConnectionString);
        await after.OpenAsync(TestContext.Current.CancellationToken);
        await using var select = new NpgsqlCommand("SELECT v FROM t", after);
        Assert.Equal(7, await select.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task EtcdKillThenStart_ServesOnTheSamePort()
    {
        await using var server = new EtcdServer();
        await server.StartAsync(TestContext.Current.CancellationToken);
        var port = server.Port;

        await server.KillAsync();
        Assert.False(server.IsRunning);
        await server.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(port, server.Port);
        Assert.True(server.IsRunning);
    }

    [Fact]
    public void MissingBinary_FailsNamingTheDebianPackageAndTheScript()
    {
        var e = Assert.Throws<ServerBinaryMissingException>(() => Binaries.Find("distkit-no-such-server", "distkit-no-such-package"));
        Assert.Contains("distkit-no-such-package", e.Message, StringComparison.Ordinal);
        Assert.Contains("scripts/test.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Dispose_RemovesTheDirectoryAndTheProcess()
    {
        var server = new NatsServer();
        await server.StartAsync(TestContext.Current.CancellationToken);
        var pid = server.ProcessId!.Value;
        var directory = server.WorkDirectory;

        await server.DisposeAsync();

        Assert.False(Directory.Exists(directory));
        Assert.False(Signals.IsAlive(pid));
    }
}
