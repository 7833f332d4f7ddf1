using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DistKit.Nats.Jobs;
using DistKit.Scheduling.Jobs;
using DistKit.Testing;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace DistKit.Engines.Tests.Jobs;

/// <summary>Jobs delivered to a real NATS JetStream: the stream's acknowledgement ends an attempt.</summary>
public sealed class NatsJobDeliveryTests(NatsFixture nats) : IAsyncDisposable
{
    private readonly NatsConnection _connection = new(NatsOpts.Default with { Url = nats.ConnectionString });

    [Fact(Timeout = 30_000)]
    public async Task Deliver_StoresTheDataExactly_WithTheJobsHeaders_InTheStream()
    {
        var (stream, subject) = await NewStreamAsync(TestContext.Current.CancellationToken);
        var job = NewJob(subject) with { Data = "{\"order\": 123, \"note\": \"é\"}", Key = "order:123:timeout", IdempotencyKey = "idem-1", Attempt = 2 };

        var failure = await new NatsJobDelivery(_connection).DeliverAsync(job, TestContext.Current.CancellationToken);

        Assert.Null(failure);
        var message = Assert.Single(await MessagesAsync(stream, TestContext.Current.CancellationToken));
        Assert.Equal(job.Data, Encoding.UTF8.GetString(message.Data!));
        Assert.Equal(job.Id, message.Headers!["DistKit-Job-Id"].ToString());
        Assert.Equal("2", message.Headers["DistKit-Attempt"].ToString());
        Assert.Equal("order:123:timeout", message.Headers["DistKit-Job-Key"].ToString());
        Assert.Equal("idem-1", message.Headers["DistKit-Idempotency-Key"].ToString());
    }

    [Fact(Timeout = 30_000)]
    public async Task Redelivery_OfAOneShotJob_IsDroppedByJetStream_ButAKeyedJobsIsNot()
    {
        var (stream, subject) = await NewStreamAsync(TestContext.Current.CancellationToken);
        var delivery = new NatsJobDelivery(_connection);
        var oneShot = NewJob(subject);
        var keyed = NewJob(subject) with { Key = "k-" + Guid.NewGuid() };

        // The second attempt of each: a node that published, then died before its completion landed.
        foreach (var job in (Job[])[oneShot, oneShot with { Attempt = 2 }, keyed, keyed with { Attempt = 2 }])
        {
            Assert.Null(await delivery.DeliverAsync(job, TestContext.Current.CancellationToken));
        }

        var messages = await MessagesAsync(stream, TestContext.Current.CancellationToken);
        Assert.Single(messages, m => m.Headers!["DistKit-Job-Id"].ToString() == oneShot.Id);
        // A keyed job may be replaced under the same id: its versions must not be taken for duplicates.
        Assert.Equal(2, messages.Count(m => m.Headers!["DistKit-Job-Id"].ToString() == keyed.Id));
    }

    [Fact(Timeout = 30_000)]
    public async Task Deliver_ToASubjectNoStreamTakes_FailsTheAttempt_SayingSo()
    {
        var failure = await new NatsJobDelivery(_connection).DeliverAsync(NewJob("nostream-" + Guid.NewGuid().ToString("N")), TestContext.Current.CancellationToken);

        Assert.NotNull(failure);
        Assert.Contains("no JetStream stream takes subject", failure, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Node_WithNatsConfigured_FiresAJobIntoTheStream_AndWithoutItRefusesNatsJobs()
    {
        var ct = TestContext.Current.CancellationToken;
        var (stream, subject) = await NewStreamAsync(ct);
        await using var node = await DistKitProcess.ServeAsync(
            Directory.CreateTempSubdirectory("distkit-natsnode-").FullName,
            environment: new Dictionary<string, string> { ["DISTKIT_NATS"] = nats.ConnectionString, ["DISTKIT_LOG_LEVEL"] = "warning" },
            cancellationToken: ct);
        using var http = new HttpClient();

        using var created = await http.PostAsJsonAsync(new Uri(node.Address, "/v1/jobs"), new Dictionary<string, object> { ["in"] = "300ms", ["nats"] = subject, ["data"] = new { order = 7 } }, ct);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetString();

        Assert.True(await Until.TrueAsync(async () => (await MessagesAsync(stream, ct)).Count == 1, TimeSpan.FromSeconds(60), ct), "the job never reached the stream");
        var message = Assert.Single(await MessagesAsync(stream, ct));
        Assert.Equal("{\"order\":7}", Encoding.UTF8.GetString(message.Data!));
        Assert.Equal(id, message.Headers!["DistKit-Job-Id"].ToString());
        Assert.True(await Until.TrueAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>(new Uri(node.Address, $"/v1/jobs/{id}"), ct)).GetProperty("state").GetString() == "succeeded",
            TimeSpan.FromSeconds(30), ct));

        await using var without = await DistKitProcess.ServeAsync(Directory.CreateTempSubdirectory("distkit-natsnode-").FullName, cancellationToken: ct);
        using var refused = await http.PostAsJsonAsync(new Uri(without.Address, "/v1/jobs"), new Dictionary<string, object> { ["in"] = "1m", ["nats"] = subject }, ct);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("DistKit.Nats", await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private async Task<(string Stream, string Subject)> NewStreamAsync(CancellationToken ct)
    {
        var name = "JOBS_" + Guid.NewGuid().ToString("N")[..12];
        await new NatsJSContext(_connection).CreateStreamAsync(new StreamConfig(name, [name.ToLowerInvariant() + ".>"]), ct);
        return (name, name.ToLowerInvariant() + ".due");
    }

    private async Task<List<INatsJSMsg<byte[]>>> MessagesAsync(string stream, CancellationToken ct)
    {
        var js = new NatsJSContext(_connection);
        var count = (await js.GetStreamAsync(stream, cancellationToken: ct)).Info.State.Messages;
        var messages = new List<INatsJSMsg<byte[]>>();
        if (count == 0)
        {
            return messages;
        }

        var consumer = await js.CreateOrderedConsumerAsync(stream, cancellationToken: ct);
        await foreach (var message in consumer.ConsumeAsync<byte[]>(cancellationToken: ct))
        {
            messages.Add(message);
            if (messages.Count == (int)count)
            {
                break;
            }
        }

        return messages;
    }

    private static Job NewJob(string subject) => new()
    {
        Id = JobIds.New(TimeProvider.System),
        Shard = 0,
        State = JobState.Running,
        Due = TimeProvider.System.GetUtcNow(),
        Target = JobTarget.Nats(subject),
        Data = "{}",
        Attempt = 1,
        Retry = RetryPolicy.Default,
        Timeout = TimeSpan.FromSeconds(5),
        Created = TimeProvider.System.GetUtcNow(),
        Updated = TimeProvider.System.GetUtcNow(),
    };
}
