using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistKit.Ids.Encoding;

/// <summary>
/// Writes 64-bit ids as JSON strings (<c>"1541815603606036480"</c>), because JavaScript's
/// <c>Number</c> rounds integers above 2^53; reads both strings and numbers.
/// </summary>
/// <example><code>[JsonConverter(typeof(IdAsStringJsonConverter))] public long OrderId { get; init; }</code></example>
public sealed class IdAsStringJsonConverter : JsonConverter<long>
{
    /// <inheritdoc />
    public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.GetInt64();
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"expected an id as a string or number, got {reader.TokenType}");
        }

        var span = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        return Utf8Parser.TryParse(span, out long value, out var consumed) && consumed == span.Length
            ? value
            : throw new JsonException("expected an id: a string of decimal digits");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> digits = stackalloc byte[20];
        _ = Utf8Formatter.TryFormat(value, digits, out var written);
        writer.WriteStringValue(digits[..written]);
    }
}
