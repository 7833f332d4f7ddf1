using System.Globalization;
using System.Text.Json;

namespace DistKit.Search.Dsl;

/// <summary>What a scalar in a query is.</summary>
public enum FieldValueKind
{
    /// <summary>Text (also dates and date math, until a mapping says otherwise).</summary>
    Text,

    /// <summary>A whole number (64-bit).</summary>
    WholeNumber,

    /// <summary>A number with a fraction or exponent.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
}

/// <summary>A scalar a query compares with: as written, typed by its JSON form; the field's mapping decides later how to read it.</summary>
public readonly record struct FieldValue
{
    private readonly string? _text;
    private readonly long _long;
    private readonly double _double;

    private FieldValue(FieldValueKind kind, string? text, long integer, double number)
    {
        Kind = kind;
        _text = text;
        _long = integer;
        _double = number;
    }

    /// <summary>What it is.</summary>
    public FieldValueKind Kind { get; }

    /// <summary>A text value.</summary>
    public static FieldValue Of(string text) => new(FieldValueKind.Text, text ?? throw new ArgumentNullException(nameof(text)), 0, 0);

    /// <summary>A whole number.</summary>
    public static FieldValue Of(long value) => new(FieldValueKind.WholeNumber, null, value, value);

    /// <summary>A number.</summary>
    public static FieldValue Of(double value) => new(FieldValueKind.Number, null, 0, value);

    /// <summary>A boolean.</summary>
    public static FieldValue Of(bool value) => new(FieldValueKind.Boolean, null, value ? 1 : 0, value ? 1 : 0);

    /// <summary>The value as text, whatever it is (<c>42</c>, <c>true</c>, <c>1.5</c>).</summary>
    public string AsText() => Kind switch
    {
        FieldValueKind.Text => _text!,
        FieldValueKind.WholeNumber => _long.ToString(CultureInfo.InvariantCulture),
        FieldValueKind.Number => _double.ToString("R", CultureInfo.InvariantCulture),
        _ => _long == 1 ? "true" : "false",
    };

    /// <summary>The value as a number, when it is one or is text that reads as one.</summary>
    public bool TryAsDouble(out double value)
    {
        switch (Kind)
        {
            case FieldValueKind.WholeNumber or FieldValueKind.Number:
                value = _double;
                return true;
            case FieldValueKind.Text:
                return double.TryParse(_text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            default:
                value = 0;
                return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() => AsText();

    /// <summary>Reads a JSON scalar; null when <paramref name="element"/> is not one.</summary>
    internal static FieldValue? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => Of(element.GetString()!),
        JsonValueKind.Number when element.TryGetInt64(out var whole) => Of(whole),
        JsonValueKind.Number => Of(element.GetDouble()),
        JsonValueKind.True => Of(true),
        JsonValueKind.False => Of(false),
        _ => null,
    };

    internal void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case FieldValueKind.Text:
                writer.WriteStringValue(_text);
                break;
            case FieldValueKind.WholeNumber:
                writer.WriteNumberValue(_long);
                break;
            case FieldValueKind.Number:
                writer.WriteNumberValue(_double);
                break;
            default:
                writer.WriteBooleanValue(_long == 1);
                break;
        }
    }
}
