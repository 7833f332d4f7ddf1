using System.Globalization;

namespace DistKit.Ids.Encoding;

/// <summary>Writes and reads ids as text in the <see cref="IdEncoding"/> forms; allocation-free span overloads for hot paths.</summary>
public static class IdEncoder
{
    private static readonly Alphabet Base32 = new("0123456789ABCDEFGHJKMNPQRSTVWXYZ", caseInsensitive: true, aliases: [('I', '1'), ('L', '1'), ('O', '0')]);
    private static readonly Alphabet Base36 = new("0123456789abcdefghijklmnopqrstuvwxyz", caseInsensitive: true, aliases: []);
    private static readonly Alphabet Base58 = new("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", caseInsensitive: false, aliases: []);
    private static readonly Alphabet Base62 = new("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", caseInsensitive: false, aliases: []);

    /// <summary>The most characters any encoding writes (base10's 19).</summary>
    public const int MaxLength = 19;

    /// <summary>Encodes a non-negative id.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is negative.</exception>
    public static string Encode(long id, IdEncoding encoding)
    {
        Span<char> buffer = stackalloc char[MaxLength];
        var written = Encode(id, encoding, buffer);
        return new string(buffer[..written]);
    }

    /// <summary>Encodes into <paramref name="destination"/> (at least <see cref="MaxLength"/> chars); returns the length written.</summary>
    public static int Encode(long id, IdEncoding encoding, Span<char> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        if (encoding == IdEncoding.Base10)
        {
            return id.TryFormat(destination, out var written, provider: CultureInfo.InvariantCulture) ? written : throw new ArgumentException("destination too small", nameof(destination));
        }

        return AlphabetOf(encoding).Encode(id, destination);
    }

    /// <summary>Decodes text in the given encoding.</summary>
    /// <exception cref="FormatException">The text is not an id in that encoding.</exception>
    public static long Decode(ReadOnlySpan<char> text, IdEncoding encoding) =>
        TryDecode(text, encoding, out var id) ? id : throw new FormatException($"'{text}' is not a {encoding.ToString().ToLowerInvariant()} id");

    /// <summary>Decodes text in the given encoding; false when it is not an id.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, IdEncoding encoding, out long id)
    {
        if (encoding == IdEncoding.Base10)
        {
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
        }

        return AlphabetOf(encoding).TryDecode(text, out id);
    }

    /// <summary>Reads an encoding name (<c>base10</c>, <c>base32</c>, <c>base36</c>, <c>base58</c>, <c>base62</c>).</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static IdEncoding ParseEncoding(string name) =>
        Enum.TryParse<IdEncoding>(name, ignoreCase: true, out var encoding) && Enum.IsDefined(encoding)
            ? encoding
            : throw new FormatException($"unknown encoding '{name}'; use base10, base32, base36, base58 or base62");

    private static Alphabet AlphabetOf(IdEncoding encoding) => encoding switch
    {
        IdEncoding.Base32 => Base32,
        IdEncoding.Base36 => Base36,
        IdEncoding.Base58 => Base58,
        IdEncoding.Base62 => Base62,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown encoding."),
    };

    private sealed class Alphabet
    {
        private readonly string _digits;
        private readonly sbyte[] _values = new sbyte[128];
        private readonly int _width;

        public Alphabet(string digits, bool caseInsensitive, (char Alias, char Digit)[] aliases)
        {
            _digits = digits;
            Array.Fill(_values, (sbyte)-1);
            for (var i = 0; i < digits.Length; i++)
            {
                _values[digits[i]] = (sbyte)i;
                if (caseInsensitive)
                {
                    _values[char.ToLowerInvariant(digits[i])] = (sbyte)i;
                    _values[char.ToUpperInvariant(digits[i])] = (sbyte)i;
                }
            }

            foreach (var (alias, digit) in aliases)
            {
                _values[alias] = _values[char.ToLowerInvariant(alias)] = _values[digit];
            }

            // Width of long.MaxValue in this base: every id is padded to it, so text sorts like numbers.
            var width = 0;
            for (var rest = (ulong)long.MaxValue; rest > 0; rest /= (ulong)digits.Length)
            {
                width++;
            }

            _width = width;
        }

        public int Encode(long id, Span<char> destination)
        {
            var radix = (ulong)_digits.Length;
            var value = (ulong)id;
            for (var i = _width - 1; i >= 0; i--)
            {
                destination[i] = _digits[(int)(value % radix)];
                value /= radix;
            }

            return _width;
        }

        public bool TryDecode(ReadOnlySpan<char> text, out long id)
        {
            id = 0;
            text = text.Trim();
            if (text.IsEmpty || text.Length > _width)
            {
                return false;
            }

            var radix = (ulong)_digits.Length;
            ulong value = 0;
            foreach (var c in text)
            {
                var digit = c < 128 ? _values[c] : -1;
                if (digit < 0)
                {
                    return false;
                }

                value = (value * radix) + (ulong)digit;
                if (value > long.MaxValue)
                {
                    return false;
                }
            }

            id = (long)value;
            return true;
        }
    }
}
