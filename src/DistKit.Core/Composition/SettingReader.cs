using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace DistKit.Core.Composition;

/// <summary>
/// Reads settings from the DistKit section in DistKit's syntax (durations as <c>250ms</c>,
/// <c>15s</c>) and turns a bad value into an <see cref="OptionsValidationException"/> whose message
/// names the key as the user wrote it, so a host that validates on start stops with one line.
/// Explicit reads, not reflection-based binding: the options bind the same in a natively compiled app.
/// </summary>
public sealed class SettingReader(IConfiguration section, string optionsName, Type optionsType)
{
    /// <summary>The raw value of <paramref name="key"/> (<c>Locks:Ttl</c>), or null when unset or blank.</summary>
    public string? Text(string key) => section[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>A duration such as <c>250ms</c>, <c>15s</c>, <c>10m</c>.</summary>
    public TimeSpan? Duration(string key)
    {
        if (Text(key) is not { } text)
        {
            return null;
        }

        return Core.Duration.TryParse(text, out var value)
            ? value
            : throw Error(key, $"'{text}' is not a duration; write it as 250ms, 15s, 10m, 2h or 1d");
    }

    /// <summary>A whole number from 0.</summary>
    public long? Count(string key)
    {
        if (Text(key) is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error(key, $"'{text}' is not a whole number from 0");
    }

    /// <summary>One of <paramref name="allowed"/>, compared without case; returned as written in <paramref name="allowed"/>.</summary>
    public string? OneOf(string key, IReadOnlyList<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        if (Text(key) is not { } text)
        {
            return null;
        }

        return allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase))
            ?? throw Error(key, $"'{text}' is not one of: {string.Join(", ", allowed)}");
    }

    /// <summary>An error about <paramref name="key"/> that the options system reports at start.</summary>
    public OptionsValidationException Error(string key, string problem) =>
        new(optionsName, optionsType, [$"{PathOf(section, key)}: {problem}"]);

    /// <summary>The full key (<c>DistKit:Locks:Ttl</c>) of <paramref name="key"/> under <paramref name="section"/>.</summary>
    public static string PathOf(IConfiguration section, string key) =>
        section is IConfigurationSection { Path: { Length: > 0 } path } ? $"{path}:{key}" : key;
}
