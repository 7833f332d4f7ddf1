using System.Text.Json;
using System.Text.Json.Serialization;
using DistKit.Ids.Encoding;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace DistKit.Ids.Tests;

public sealed class EncodingTests
{
    private static readonly Gen<long> Ids = Gen.OneOf(Generators.Choose64(0, long.MaxValue), Gen.Elements(0L, 1L, long.MaxValue));
    private static readonly Gen<IdEncoding> Encodings = Gen.Elements(Enum.GetValues<IdEncoding>());

    [Property(MaxTest = 10_000)]
    public Property DecodeOfEncode_RoundTrips() =>
        Prop.ForAll(Ids.ToArbitrary(), Encodings.ToArbitrary(), (id, encoding) => IdEncoder.Decode(IdEncoder.Encode(id, encoding), encoding) == id);

    [Property(MaxTest = 10_000)]
    public Property FixedWidthEncodings_SortLikeTheNumbers() =>
        Prop.ForAll(Ids.ToArbitrary(), Ids.ToArbitrary(), Gen.Elements(IdEncoding.Base32, IdEncoding.Base36, IdEncoding.Base58, IdEncoding.Base62).ToArbitrary(), (a, b, encoding) =>
            Math.Sign(string.CompareOrdinal(IdEncoder.Encode(a, encoding), IdEncoder.Encode(b, encoding))) == Math.Sign(a.CompareTo(b)));

    [Property(MaxTest = 2_000)]
    public Property DecodeOfEncode_RoundTripsForEveryLayoutsIds() =>
        Prop.ForAll(Generators.LayoutAndFields.ToArbitrary(), Encodings.ToArbitrary(), (x, encoding) =>
        {
            var id = x.Layout.Compose(x.Ticks, x.Node, x.Sequence);
            var back = x.Layout.Decode(IdEncoder.Decode(IdEncoder.Encode(id, encoding), encoding));
            return back.Ticks == x.Ticks && back.Node == x.Node && back.Sequence == x.Sequence;
        });

    [Fact]
    public void Base32_IsCrockford_CaseInsensitiveWithAliases()
    {
        Assert.Equal("7ZZZZZZZZZZZZ", IdEncoder.Encode(long.MaxValue, IdEncoding.Base32));
        Assert.Equal(IdEncoder.Decode("0000000000001", IdEncoding.Base32), IdEncoder.Decode("oooooooooooOi", IdEncoding.Base32));
        Assert.Equal(1, IdEncoder.Decode("l", IdEncoding.Base32));
        Assert.Equal(32 * 10, IdEncoder.Decode("a0", IdEncoding.Base32));
    }

    [Theory]
    [InlineData("", IdEncoding.Base62)]
    [InlineData("0", IdEncoding.Base58)]
    [InlineData("U", IdEncoding.Base32)]
    [InlineData("ZZZZZZZZZZZZZZ", IdEncoding.Base32)]
    [InlineData("-5", IdEncoding.Base10)]
    [InlineData("99999999999999999999", IdEncoding.Base10)]
    public void Decode_NotAnId_Throws(string text, IdEncoding encoding) =>
        Assert.Throws<FormatException>(() => IdEncoder.Decode(text, encoding));

    [Fact]
    public void JsonConverter_WritesStrings_ReadsStringsAndNumbers()
    {
        var json = JsonSerializer.Serialize(new Order(1_541_815_603_606_036_480));
        Assert.Equal("{\"Id\":\"1541815603606036480\"}", json);
        Assert.Equal(1_541_815_603_606_036_480, JsonSerializer.Deserialize<Order>(json)!.Id);
        Assert.Equal(42, JsonSerializer.Deserialize<Order>("{\"Id\":42}")!.Id);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Order>("{\"Id\":\"12a\"}"));
    }

    public sealed record Order([property: JsonConverter(typeof(IdAsStringJsonConverter))] long Id);
}
