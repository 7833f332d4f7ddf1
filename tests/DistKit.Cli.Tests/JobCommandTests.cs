using System.Text.Json;
using DistKit.Testing;

namespace DistKit.Cli.Tests;

/// <summary><c>distkit job …</c> against a real <c>distkit serve</c>, firing to a real receiver.</summary>
public sealed class JobCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-job-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact(Timeout = 120_000)]
    public async Task Schedule_In3500ms_PrintsTheId_AndTheCallbackBodyIsExactlyTheData()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = new CallbackReceiver();
        await using var node = await DistKitProcess.ServeAsync(Path.Combine(_dir, "data"), cancellationToken: ct);
        var address = node.Address.ToString();
        var data = "{\"coupon\": \"WELCOME10\", \"user\": 42}";

        var sent = TimeProvider.System.GetUtcNow();
        var scheduled = await DistKitProcess.RunAsync(
            ["job", "schedule", "--node", address, "--in", "3500ms", "--http", receiver.Url.ToString(), "--data", data, "--key", "signup:42:coupon", "--idempotency-key", "signup-42"],
            cancellationToken: ct);
        var id = scheduled.Stdout.Trim();
        var shown = await DistKitProcess.RunAsync(["job", "get", id, "--node", address, "--json"], cancellationToken: ct);

        Assert.Equal(0, scheduled.ExitCode);
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(0, shown.ExitCode);
        using (var job = JsonDocument.Parse(shown.Stdout))
        {
            Assert.Equal("scheduled", job.RootElement.GetProperty("state").GetString());
            Assert.Equal("signup:42:coupon", job.RootElement.GetProperty("key").GetString());
        }

        Assert.True(await Until.TrueAsync(() => receiver.Count > 0, TimeSpan.FromSeconds(30), ct));
        var callback = Assert.Single(receiver.Received);
        Assert.Equal(data, callback.Body);
        Assert.Equal(id, callback.JobId);
        Assert.Equal(1, callback.Attempt);
        Assert.Equal("signup-42", callback.IdempotencyKey);
        Assert.True(callback.Arrived - sent >= TimeSpan.FromMilliseconds(3500), $"arrived {(callback.Arrived - sent).TotalMilliseconds:0} ms after it was scheduled for 3500 ms");

        Assert.True(await Until.TrueAsync(async () =>
            (await DistKitProcess.RunAsync(["job", "list", "--node", address, "--state", "succeeded"], cancellationToken: ct)).Stdout.Contains(id, StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), ct));
    }

    [Fact(Timeout = 120_000)]
    public async Task Cancel_ById_AndByKey_PrintsTheJobCancelled()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await DistKitProcess.ServeAsync(Path.Combine(_dir, "data"), cancellationToken: ct);
        var address = node.Address.ToString();
        var first = (await DistKitProcess.RunAsync(["job", "schedule", "--node", address, "--at", "2099-01-01T10:00:00Z", "--http", "http://127.0.0.1:9/x"], cancellationToken: ct)).Stdout.Trim();
        await DistKitProcess.RunAsync(["job", "schedule", "--node", address, "--cron", "*/5 * * * *", "--http", "http://127.0.0.1:9/x", "--key", "order:7:timeout"], cancellationToken: ct);

        var byId = await DistKitProcess.RunAsync(["job", "cancel", first, "--node", address, "--json"], cancellationToken: ct);
        var byKey = await DistKitProcess.RunAsync(["job", "cancel", "--key", "order:7:timeout", "--node", address], cancellationToken: ct);
        var again = await DistKitProcess.RunAsync(["job", "cancel", "--key", "order:7:timeout", "--node", address], cancellationToken: ct);

        Assert.Equal(0, byId.ExitCode);
        using (var job = JsonDocument.Parse(byId.Stdout))
        {
            Assert.Equal("cancelled", job.RootElement.GetProperty("state").GetString());
        }

        Assert.Equal(0, byKey.ExitCode);
        Assert.Contains("cancelled", byKey.Stdout, StringComparison.Ordinal);
        Assert.Equal(65, again.ExitCode);
        Assert.Contains("no unfinished job has key 'order:7:timeout'", Assert.Single(again.StderrLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(64, "--in", "10x", "--http", "http://127.0.0.1:9/", "is not a duration")]
    [InlineData(64, "--at", "tomorrow", "--http", "http://127.0.0.1:9/", "is not an ISO-8601 time")]
    [InlineData(64, "--in", "1s", "--http", "ftp://127.0.0.1/", "is not an absolute http or https URL")]
    [InlineData(64, "--in", "1s", "--data", "{bad", "--data is not JSON")]
    [InlineData(65, "--cron", "61 * * * *", "--http", "http://127.0.0.1:9/", "is not a cron expression")]
    public async Task Schedule_MalformedInput_OneLineOnStderr_NonZeroExit(int exitCode, string first, string firstValue, string second, string secondValue, string reason)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var node = await DistKitProcess.ServeAsync(Path.Combine(_dir, "data"), cancellationToken: ct);
        List<string> args = ["job", "schedule", "--node", node.Address.ToString(), first, firstValue, second, secondValue];
        if (second == "--data")
        {
            args.AddRange(["--http", "http://127.0.0.1:9/"]);
        }

        var result = await DistKitProcess.RunAsync(args, cancellationToken: ct);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(reason, Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }
}
