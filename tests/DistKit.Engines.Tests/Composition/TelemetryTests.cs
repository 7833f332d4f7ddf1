using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using DistKit.Ids;
using DistKit.Locks;
using DistKit.Redis.Locks;
using DistKit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace DistKit.Engines.Tests.Composition;

/// <summary>What an app registered through the composition layer reports: metrics, traces, and logs that say why.</summary>
public sealed class TelemetryTests(RedisFixture redis) : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("distkit-telemetry-").FullName;
    private readonly CapturedLogs _logs = new();

    [Fact(Timeout = 60_000)]
    public async Task LockOnRedis_IsTimedAndTraced_AndItsLossIsCountedAndLoggedWithTheReason()
    {
        var cancel = TestContext.Current.CancellationToken;
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var meters = Listen(measurements, "DistKit.Locks", "DistKit.Core");
        var spans = new ConcurrentQueue<Activity>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "DistKit.Locks" or "DistKit.Redis",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(tracing);
        using var host = Host(new() { ["DistKit:Capabilities:Locks"] = "redis", ["DistKit:Locks:Ttl"] = "1s" });
        await host.StartAsync(cancel);
        var locks = host.Services.GetRequiredService<IDistributedLockProvider>();
        var name = "telemetry-" + Guid.NewGuid().ToString("N")[..8];

        await using var held = await locks.CreateLock(name).TryAcquireAsync(TimeSpan.Zero, cancel);
        Assert.NotNull(held);
        var lost = new TaskCompletionSource();
        using var onLost = held.Lost.Register(() => lost.TrySetResult());

        // Someone deletes the key: the next renewal finds the lock no longer this holder's.
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString))
        {
            Assert.True(await connection.GetDatabase().KeyDeleteAsync(RedisLockProvider.KeysOf(name)[0]));
        }

        await lost.Task.WaitAsync(cancel);
        Assert.Equal(Core.Leases.LeaseLossReason.RenewalRefused, held.LossReason);
        Assert.True(await Until.TrueAsync(() => _logs.Has(2001, $"Lock {name} on redis was lost while held: renewal_refused"), TimeSpan.FromSeconds(10), cancel), _logs.ToString());

        var acquired = measurements.Where(m => m.Instrument == "distkit.lock.acquire.duration").ToList();
        Assert.Contains(acquired, m => Equals(m.Tags["backend"], "redis") && Equals(m.Tags["outcome"], "acquired") && m.Value > 0);
        Assert.Contains(measurements, m => m.Instrument == "distkit.lock.losses" && Equals(m.Tags["reason"], "renewal_refused"));
        Assert.Contains(measurements, m => m.Instrument == "distkit.lease.losses" && Equals(m.Tags["engine"], "redis") && Equals(m.Tags["reason"], "renewal_refused"));
        Assert.Contains(spans, s => s.Source.Name == "DistKit.Locks" && s.OperationName == "lock acquire" && Equals(s.GetTagItem("distkit.lock.outcome"), "acquired"));
        Assert.Contains(spans, s => s.Source.Name == "DistKit.Redis" && s.OperationName == "lock acquire" && Equals(s.GetTagItem("distkit.name"), name));
        await host.StopAsync(cancel);
    }

    [Fact(Timeout = 60_000)]
    public async Task WorkerIdAcquisition_IsLoggedAndCounted()
    {
        var cancel = TestContext.Current.CancellationToken;
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var meters = Listen(measurements, "DistKit.Ids");
        using var host = Host(new() { ["DistKit:Capabilities:Ids"] = "redis" });

        await host.StartAsync(cancel);
        var worker = ((ManagedIdGenerator)host.Services.GetRequiredService<IIdGenerator>()).WorkerId;

        Assert.NotNull(worker);
        Assert.True(_logs.Has(3001, $"Worker id {worker} acquired for layout snowflake"), _logs.ToString());
        Assert.Contains(measurements, m => m.Instrument == "distkit.ids.worker.acquisitions" && Equals(m.Tags["outcome"], "acquired"));
        await host.StopAsync(cancel);
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private IHost Host(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DistKit:Engines:Redis"] = redis.ConnectionString, ["DistKit:DataDir"] = _dataDir });
        builder.Logging.AddProvider(_logs);
        builder.Services.AddDistKit(builder.Configuration.GetSection("DistKit")).AddRedis().AddLocks().AddIds();
        return builder.Build();
    }

    private static MeterListener Listen(ConcurrentQueue<(string, double, Dictionary<string, object?>)> into, params string[] meters)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (meters.Contains(instrument.Meter.Name))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => into.Enqueue((instrument.Name, value, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => into.Enqueue((instrument.Name, value, ToDictionary(tags))));
        listener.Start();
        return listener;
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<(int EventId, string Message)> _lines = new();

        public bool Has(int eventId, string message) => _lines.Any(l => l.EventId == eventId && l.Message == message);

        public ILogger CreateLogger(string categoryName) => new Logger(_lines);

        public void Dispose()
        {
        }

        public override string ToString() => string.Join('\n', _lines.Select(l => $"{l.EventId}: {l.Message}"));

        private sealed class Logger(ConcurrentQueue<(int, string)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((eventId.Id, formatter(state, exception)));
        }
    }
}
