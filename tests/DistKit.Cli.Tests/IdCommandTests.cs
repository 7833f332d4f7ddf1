using System.Globalization;
using System.Text.Json;
using DistKit.Testing;

namespace DistKit.Cli.Tests;

/// <summary>`distkit id …` as a user runs it, local, no node.</summary>
public sealed class IdCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("distkit-id-").FullName;

    private Task<DistKitProcess.Result> Run(params string[] args) =>
        DistKitProcess.RunAsync([.. args, .. (args[1] == "next" ? new[] { "--data-dir", _dir } : [])], cancellationToken: TestContext.Current.CancellationToken);

    private static List<long> Lines(DistKitProcess.Result result) =>
        [.. result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => long.Parse(l, CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Next_PrintsCountIncreasingIds_OnePerLine()
    {
        var result = await Run("id", "next", "--count", "5000");
        Assert.Equal(0, result.ExitCode);
        var ids = Lines(result);
        Assert.Equal(5000, ids.Count);
        Assert.True(ids.SequenceEqual(ids.Order()) && ids.Distinct().Count() == ids.Count);
    }

    [Fact]
    public async Task Next_TwoRuns_KeepTheWorkerAndNeverRepeat()
    {
        var first = Lines(await Run("id", "next", "--count", "1000", "--layout", "sonyflake"));
        var second = Lines(await Run("id", "next", "--count", "1000", "--layout", "sonyflake"));
        Assert.True(second.Min() > first.Max());
        Assert.Equal(DistKit.Ids.IdLayout.Sonyflake.Decode(first[0]).Node, DistKit.Ids.IdLayout.Sonyflake.Decode(second[0]).Node);
    }

    [Fact]
    public async Task Next_FourProcessesAtOnceOnOneDataDir_NeverShareAnId()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Run("id", "next", "--count", "20000")));
        Assert.All(runs, r => Assert.Equal(0, r.ExitCode));
        var all = runs.SelectMany(Lines).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public async Task Next_Worker_IsStampedIntoTheIds()
    {
        var ids = Lines(await Run("id", "next", "--count", "3", "--worker", "777"));
        Assert.All(ids, id => Assert.Equal(777, DistKit.Ids.IdLayout.Snowflake.Decode(id).Node));
    }

    // Expected parts are computed here from bwmarrin/snowflake's published layout, not by DistKit.
    [Fact]
    public async Task Decode_AgreesWithBwmarrinSnowflake()
    {
        const long Ms = 1_764_000_000_123, Node = 777, Step = 4001;
        const long Id = ((Ms - 1288834974657) << 22) | (Node << 12) | Step;

        var result = await Run("id", "decode", Id.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"time=2025-11-24T16:00:00.123Z node=777 datacenter={Node >> 5} worker={Node & 31} sequence=4001", result.Stdout.Trim());
    }

    [Fact]
    public async Task Decode_AgreesWithSonyflake()
    {
        // 39 bits of 10 ms since 2014-09-01T00:00:00Z | 8 bits sequence | 16 bits machine id.
        const long Elapsed = 38_000_000_000 / 10, Sequence = 17, Machine = 4242;
        const long Id = (Elapsed << 24) | (Sequence << 16) | Machine;
        var expectedTime = new DateTime(2014, 9, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(Elapsed * 10);

        var result = await Run("id", "decode", Id.ToString(CultureInfo.InvariantCulture), "--layout", "sonyflake");

        Assert.Equal($"time={expectedTime:yyyy-MM-ddTHH:mm:ss.fff}Z node=4242 sequence=17", result.Stdout.Trim());
    }

    [Fact]
    public async Task Decode_Json_HasEveryPart()
    {
        var result = await Run("id", "decode", "4611686018427387903", "--json");
        using var doc = JsonDocument.Parse(result.Stdout);
        Assert.Equal(4095, doc.RootElement.GetProperty("sequence").GetInt64());
        Assert.Equal(31, doc.RootElement.GetProperty("worker").GetInt64());
    }

    [Theory]
    [InlineData(65, "id", "decode", "not-a-number")]
    [InlineData(65, "id", "decode", "9007199254740993", "--layout", "js-safe")]
    [InlineData(64, "id", "decode", "1", "--layout", "twitter")]
    [InlineData(64, "id", "next", "--count", "0")]
    [InlineData(64, "id", "next", "--encoding", "base64")]
    [InlineData(64, "id", "layout", "--nodes", "10")]
    [InlineData(64, "id", "layout", "--nodes", "4194304", "--rate", "10000000", "--years", "100", "--js-safe")]
    public async Task BadInput_IsOneLineOnStderrWithItsExitCode(int exitCode, params string[] args)
    {
        var result = await Run(args);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Single(result.StderrLines);
        Assert.StartsWith("distkit: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Layout_ProposesALayoutThatNextAccepts()
    {
        var plan = await Run("id", "layout", "--nodes", "100", "--rate", "200000", "--years", "40", "--json");
        using var doc = JsonDocument.Parse(plan.Stdout);
        var spec = doc.RootElement.GetProperty("layout").GetString()!;
        Assert.True(doc.RootElement.GetProperty("nodes").GetInt64() >= 100);
        Assert.True(doc.RootElement.GetProperty("ids_per_second_per_node").GetDouble() >= 200_000);

        var ids = Lines(await Run("id", "next", "--layout", spec, "--count", "10"));
        Assert.Equal(10, ids.Count);
    }

    [Fact]
    public async Task Layout_JsSafe_PrintsCapacityNodesAndExhaustionDate()
    {
        var result = await Run("id", "layout", "--nodes", "32", "--rate", "10000", "--years", "30", "--js-safe");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("JavaScript-safe", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("exhausted", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("ids/s", result.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
