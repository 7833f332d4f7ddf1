using dotnet_etcd;
using NATS.Client.JetStream.Models;
using NATS.Net;
using Npgsql;
using StackExchange.Redis;

namespace DistKit.Testing.Tests;

/// <summary>Each launcher starts a server that its engine's real client library can use.</summary>
public sealed class LauncherTests(
    RedisFixture redis, EtcdFixture etcd, NatsFixture nats, PostgresFixture postgres, ZooKeeperFixture zooKeeper)
{
    [Fact(Timeout = 60_000)]
    public async Task Redis_SetThenGet_ReturnsTheValue()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString).WaitAsync(TestContext.Current.CancellationToken);
        var db = connection.GetDatabase();
        await db.StringSetAsync("launcher:key", "value-1");
        Assert.Equal("value-1", (string?)await db.StringGetAsync("launcher:key"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Etcd_PutGetAndWatch_SeeTheWrite()
    {
        using var client = new EtcdClient(etcd.ConnectionString);
        await client.PutAsync("launcher/key", "value-1", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("value-1", await client.GetValAsync("launcher/key", cancellationToken: TestContext.Current.CancellationToken));

        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watchCancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        // WatchAsync may run until the watch ends; keep it off the test's own flow.
        var watching = Task.Run(
            () => client.WatchAsync(
                "launcher/watched",
                response =>
                {
                    foreach (var e in response.Events)
                    {
                        seen.TrySetResult(e.Kv.Value.ToStringUtf8());
                    }
                },
                cancellationToken: watchCancel.Token),
            TestContext.Current.CancellationToken);

        // The watch is registered asynchronously; keep writing until it reports one, as a client would.
        string? value = null;
        for (var i = 0; i < 100 && value is null; i++)
        {
            await client.PutAsync("launcher/watched", "value-2", cancellationToken: TestContext.Current.CancellationToken);
            if (await Task.WhenAny(seen.Task, Task.Delay(100, TestContext.Current.CancellationToken)) == seen.Task)
            {
                value = await seen.Task;
            }
        }

        await watchCancel.CancelAsync();
        Assert.Equal("value-2", value);
        await Task.WhenAny(watching, Task.Delay(2000, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task Nats_JetStreamPublishThenConsume_DeliversTheMessage()
    {
        await using var client = new NatsClient(nats.ConnectionString);
        var js = client.CreateJetStreamContext();
        await js.CreateStreamAsync(new StreamConfig("LAUNCHER", ["launcher.>"]), TestContext.Current.CancellationToken);
        var ack = await js.PublishAsync("launcher.one", "hello", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("LAUNCHER", ack.Stream);

        var consumer = await js.CreateOrUpdateConsumerAsync("LAUNCHER", new ConsumerConfig("reader"), TestContext.Current.CancellationToken);
        var received = new List<string?>();
        await foreach (var message in consumer.FetchAsync<string>(new NATS.Client.JetStream.NatsJSFetchOpts { MaxMsgs = 1, Expires = TimeSpan.FromSeconds(5) }, cancellationToken: TestContext.Current.CancellationToken))
        {
            received.Add(message.Data);
            await message.AckAsync(cancellationToken: TestContext.Current.CancellationToken);
        }

        Assert.Equal(["hello"], received);
    }

    [Fact(Timeout = 60_000)]
    public async Task Postgres_Query_AnswersWithLogicalWal()
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT current_setting('wal_level'), 40 + 2", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal("logical", reader.GetString(0));
        Assert.Equal(42, reader.GetInt32(1));
    }

    [Fact(Timeout = 60_000)]
    public async Task ZooKeeper_Ruok_AnswersImok() =>
        Assert.Equal("imok", await zooKeeper.Server.FourLetterWordAsync("ruok", TestContext.Current.CancellationToken));

    [Fact]
    public void Servers_ListenOnLoopbackOnly()
    {
        foreach (var connectionString in (string[])[redis.ConnectionString, etcd.ConnectionString, nats.ConnectionString, postgres.ConnectionString, zooKeeper.ConnectionString])
        {
            Assert.Contains("127.0.0.1", connectionString, StringComparison.Ordinal);
        }

        Assert.All(new ServerProcess[] { redis.Server, etcd.Server, nats.Server, postgres.Server, zooKeeper.Server }, s => Assert.True(s.IsRunning));
    }
}
