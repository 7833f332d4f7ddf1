using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistKit.Ids.Tests;

public sealed class IdLayoutTests
{
    [Fact]
    public void Snowflake_IsTwittersLayout_AndRunsOutIn2080()
    {
        var layout = IdLayout.Snowflake;
        Assert.Equal((41, 5, 5, 12, 63), (layout.TimeBits, layout.DatacenterBits, layout.WorkerBits, layout.SequenceBits, layout.TotalBits));
        Assert.Equal(1288834974657, layout.Epoch.ToUnixTimeMilliseconds());
        Assert.Equal(4_096_000, layout.CapacityPerNodePerSecond);
        Assert.Equal(2080, layout.ExhaustedAt.Year);
    }

    [Fact]
    public void Sonyflake_IsSonysLayout_TimeSequenceMachine()
    {
        var layout = IdLayout.Sonyflake;
        Assert.Equal((39, 8, 16, 63), (layout.TimeBits, layout.SequenceBits, layout.NodeBits, layout.TotalBits));
        Assert.Equal(IdFieldOrder.TimeSequenceNode, layout.Order);
        Assert.Equal(new DateTimeOffset(2014, 9, 1, 0, 0, 0, TimeSpan.Zero), layout.Epoch);
        Assert.Equal(TimeSpan.FromMilliseconds(10), layout.TimeUnit);
        Assert.Equal(2188, layout.ExhaustedAt.Year);
    }

    [Fact]
    public void JsSafe_StaysBelow2Pow53ForAtLeast30Years()
    {
        var layout = IdLayout.JsSafe;
        Assert.True(layout.MaxId < 1L << 53);
        Assert.True(layout.ExhaustedAt >= layout.Epoch.AddYears(30));
        Assert.True(layout.ExhaustedAt >= new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero).AddYears(30));
    }

    [Theory]
    [InlineData(41, 5, 5, 13, "timeBits")]
    [InlineData(19, 0, 10, 12, "timeBits")]
    [InlineData(41, 0, 10, 0, "sequenceBits")]
    [InlineData(41, 0, 10, 23, "sequenceBits")]
    [InlineData(41, 5, 0, 12, "workerBits")]
    [InlineData(41, -1, 10, 12, "datacenterBits")]
    public void Constructor_InvalidWidths_ThrowNamingTheParameter(int time, int datacenter, int worker, int sequence, string parameter)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new IdLayout("bad", DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(1), time, datacenter, worker, sequence));
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void Constructor_SubMillisecondUnit_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new IdLayout("bad", DateTimeOffset.UnixEpoch, TimeSpan.FromTicks(15_000), 41, 0, 10, 12));

    [Property(MaxTest = 10_000)]
    public Property ComposeThenDecode_RoundTripsEveryField() =>
        Prop.ForAll(Generators.LayoutAndFields.ToArbitrary(), x =>
        {
            var id = x.Layout.Compose(x.Ticks, x.Node, x.Sequence);
            var parts = x.Layout.Decode(id);
            return id >= 0 && id <= x.Layout.MaxId && parts.Ticks == x.Ticks && parts.Node == x.Node && parts.Sequence == x.Sequence
                && parts.Time == x.Layout.Epoch + TimeSpan.FromTicks(x.Ticks * x.Layout.TimeUnit.Ticks);
        });

    [Property(MaxTest = 2_000)]
    public Property ParseOfToSpec_GivesAnEqualLayout() =>
        Prop.ForAll(Generators.AnyLayout.ToArbitrary(), layout => IdLayout.Parse(layout.ToSpec()).Equals(layout));

    [Theory]
    [InlineData("snowflake")]
    [InlineData("SONYFLAKE")]
    [InlineData(" js-safe ")]
    public void Parse_PresetNames(string name) => Assert.Contains(IdLayout.Parse(name), IdLayout.Presets);

    [Theory]
    [InlineData("twitter", "unknown layout")]
    [InlineData("epoch=2020-01-01T00:00:00Z,time=41,worker=10", "missing 'sequence='")]
    [InlineData("epoch=yesterday,time=41,worker=10,sequence=12", "not an ISO-8601 time")]
    [InlineData("epoch=2020-01-01T00:00:00Z,time=45,worker=10,sequence=12", "not valid")]
    public void Parse_Bad_SaysWhy(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => IdLayout.Parse(text));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_IdWithBitsTheLayoutLeavesZero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => IdLayout.JsSafe.Decode(1L << 60));

    // Expected parts come from the published definitions, computed here by hand, not by IdLayout.
    [Fact]
    public void Decode_AgreesWithBwmarrinSnowflakeDefinition()
    {
        // bwmarrin/snowflake: 41 bits ms since 1288834974657 | 10 bits node | 12 bits step.
        const long Ms = 1_764_000_000_123; // 2025-11-24T15:20:00.123Z
        const long Node = 777, Step = 4001;
        const long Id = ((Ms - 1288834974657) << 22) | (Node << 12) | Step;

        var parts = IdLayout.Snowflake.Decode(Id);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(Ms), parts.Time);
        Assert.Equal(Node, parts.Node);
        Assert.Equal(Node >> 5, parts.Datacenter);
        Assert.Equal(Node & 31, parts.Worker);
        Assert.Equal(Step, parts.Sequence);
    }

    [Fact]
    public void Decode_AgreesWithSonyflakeDefinition()
    {
        // Sonyflake: 39 bits of 10 ms since 2014-09-01 | 8 bits sequence | 16 bits machine id.
        var start = new DateTimeOffset(2014, 9, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var ms = DateTimeOffset.Parse("2026-11-26T08:15:42.370Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        var elapsed = (ms - start) / 10;
        const long Sequence = 201, Machine = 0xBEEF;
        var id = (elapsed << 24) | (Sequence << 16) | Machine;

        var parts = IdLayout.Sonyflake.Decode(id);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(start + (elapsed * 10)), parts.Time);
        Assert.Equal(Machine, parts.Node);
        Assert.Null(parts.Datacenter);
        Assert.Equal(Sequence, parts.Sequence);
    }
}
