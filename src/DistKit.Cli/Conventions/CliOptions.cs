using System.CommandLine;

namespace DistKit.Cli.Conventions;

/// <summary>Factories for the options every command group shares, so they look and parse the same everywhere.</summary>
public static class CliOptions
{
    /// <summary><c>--json</c>: one JSON document on stdout instead of text for people.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print JSON for programs instead of text for people" };

    /// <summary>A duration option in DistKit's syntax (<c>250ms</c>, <c>30s</c>, <c>10m</c>, <c>2h</c>, <c>1d</c>).</summary>
    public static Option<TimeSpan> Duration(string name, TimeSpan defaultValue, string description) => new(name)
    {
        Description = $"{description} (e.g. 250ms, 30s, 10m; default {Core.Duration.Format(defaultValue)})",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
            if (Core.Duration.TryParse(text, out var value))
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a duration; write a number and a unit (ms, s, m, h, d), e.g. 250ms, 30s, 10m");
            return default;
        },
    };
}
