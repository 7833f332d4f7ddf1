using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistKit.Core.Tests;

public sealed class DurationTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("10m", 600_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData(" 5s ", 5_000)]
    [InlineData("0", 0)]
    public void Parse_Valid_GivesTheDuration(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Duration.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("ms")]
    [InlineData("5 s")]
    [InlineData("5sec")]
    [InlineData("-5s")]
    [InlineData("5S")]
    [InlineData("1.2.3s")]
    [InlineData("99999999999999d")]
    public void Parse_Invalid_ThrowsFormatExceptionSayingWhatIsAccepted(string text)
    {
        var e = Assert.Throws<FormatException>(() => Duration.Parse(text));
        Assert.Contains($"'{text}'", e.Message, StringComparison.Ordinal);
    }

    [Property(MaxTest = 2000)]
    public Property Format_ThenParse_RoundTripsAtMillisecondPrecision() =>
        Prop.ForAll(
            Gen.Choose(0, int.MaxValue).Select(ms => TimeSpan.FromMilliseconds(ms) * 3).ToArbitrary(),
            value =>
            {
                var truncated = TimeSpan.FromMilliseconds(Math.Floor(value.TotalMilliseconds));
                return Duration.Parse(Duration.Format(value)) == truncated;
            });

    [Theory]
    [InlineData(250, "250ms")]
    [InlineData(90_000, "1m30s")]
    [InlineData(86_400_000, "1d")]
    [InlineData(0, "0")]
    public void Format_UsesLargestUnitsFirst(long milliseconds, string expected) =>
        Assert.Equal(expected, Duration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
