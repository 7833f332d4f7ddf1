using System.Globalization;
using System.Text;

namespace DistKit.Configuration.Values;

/// <summary>
/// Reads Java-style properties text: <c>key=value</c>, <c>key: value</c> or <c>key value</c> lines,
/// <c>#</c>/<c>!</c> comments, a trailing <c>\</c> continuing a line, and the usual escapes.
/// </summary>
internal static class PropertiesFormat
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].TrimStart(' ', '\t', '\f');
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            while (EndsWithContinuation(line))
            {
                line = line[..^1] + (i + 1 < lines.Length ? lines[++i].TrimStart(' ', '\t', '\f') : "");
            }

            var split = SeparatorAt(line);
            var key = Unescape(line[..split.KeyEnd], number);
            var value = Unescape(line[split.ValueStart..], number);
            if (key.Length == 0)
            {
                throw new FormatException($"line {number}: a property with an empty key");
            }

            pairs.Add(new(key, value));
        }

        return pairs;
    }

    // An odd number of trailing backslashes: the last one escapes the line end.
    private static bool EndsWithContinuation(string line)
    {
        var count = 0;
        for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
        {
            count++;
        }

        return count % 2 == 1;
    }

    private static (int KeyEnd, int ValueStart) SeparatorAt(string line)
    {
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (c is '=' or ':' or ' ' or '\t' or '\f')
            {
                var start = i;
                while (start < line.Length && line[start] is ' ' or '\t' or '\f')
                {
                    start++;
                }

                if (c is ' ' or '\t' or '\f' && start < line.Length && line[start] is '=' or ':')
                {
                    start++;
                }
                else if (c is '=' or ':')
                {
                    start = i + 1;
                }

                while (start < line.Length && line[start] is ' ' or '\t' or '\f')
                {
                    start++;
                }

                return (i, start);
            }
        }

        return (line.Length, line.Length);
    }

    private static string Unescape(string text, int line)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                result.Append(text[i]);
                continue;
            }

            var next = text[++i];
            switch (next)
            {
                case 't': result.Append('\t'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 'f': result.Append('\f'); break;
                case 'u':
                    if (text.Length - i - 1 < 4 || !ushort.TryParse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                    {
                        throw new FormatException($"line {line}: \\u must be followed by four hex digits");
                    }

                    result.Append((char)code);
                    i += 4;
                    break;
                default: result.Append(next); break;
            }
        }

        return result.ToString();
    }
}
