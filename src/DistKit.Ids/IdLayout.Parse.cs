using System.Globalization;

namespace DistKit.Ids;

public sealed partial class IdLayout
{
    /// <summary>
    /// Reads a preset name (<c>snowflake</c>, <c>sonyflake</c>, <c>js-safe</c>) or a spec as
    /// <see cref="ToSpec"/> writes it. Spec keys: <c>epoch</c> (ISO-8601), <c>unit</c> (duration),
    /// <c>time</c>, <c>datacenter</c>, <c>worker</c> (or <c>node</c>), <c>sequence</c>, <c>order</c>.
    /// </summary>
    /// <exception cref="FormatException">The text names no preset and is not a valid spec; the message says why.</exception>
    public static IdLayout Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        foreach (var preset in Presets)
        {
            if (string.Equals(preset.Name, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return preset;
            }
        }

        if (!trimmed.Contains('=', StringComparison.Ordinal))
        {
            throw new FormatException($"unknown layout '{trimmed}'; use snowflake, sonyflake, js-safe, or a spec like {Snowflake.ToSpec()}");
        }

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"layout spec part '{pair}' is not key=value");
            }

            fields[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        string Required(string key) => fields.TryGetValue(key, out var v) ? v : throw new FormatException($"layout spec is missing '{key}='");
        int Bits(string key, string? fallback = null)
        {
            var value = fields.TryGetValue(key, out var v) ? v : fallback ?? Required(key);
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var bits)
                ? bits
                : throw new FormatException($"layout spec '{key}={value}' is not a whole number of bits");
        }

        if (!DateTimeOffset.TryParse(Required("epoch"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var epoch))
        {
            throw new FormatException($"layout spec 'epoch={fields["epoch"]}' is not an ISO-8601 time");
        }

        var unit = Core.Duration.TryParse(fields.GetValueOrDefault("unit", "1ms"), out var u) ? u : throw new FormatException($"layout spec 'unit={fields["unit"]}' is not a duration");
        var order = fields.GetValueOrDefault("order", "time-node-sequence") switch
        {
            "time-node-sequence" => IdFieldOrder.TimeNodeSequence,
            "time-sequence-node" => IdFieldOrder.TimeSequenceNode,
            var other => throw new FormatException($"layout spec 'order={other}' is not time-node-sequence or time-sequence-node"),
        };

        var worker = fields.ContainsKey("worker") ? Bits("worker") : Bits("node");
        try
        {
            return new IdLayout("custom", epoch, unit, Bits("time"), Bits("datacenter", "0"), worker, Bits("sequence"), order);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"layout spec is not valid: {e.Message.Split(Environment.NewLine)[0]}", e);
        }
    }
}
