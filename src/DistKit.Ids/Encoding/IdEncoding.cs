namespace DistKit.Ids.Encoding;

/// <summary>Text forms of an id. Every form except <see cref="Base10"/> is fixed-width, so text order equals numeric order.</summary>
public enum IdEncoding
{
    /// <summary>Plain decimal digits, as JSON and SQL show ids.</summary>
    Base10,

    /// <summary>Crockford base32, 13 characters, upper case; decoding accepts lower case and reads I/L as 1 and O as 0.</summary>
    Base32,

    /// <summary>0-9 a-z, 13 characters.</summary>
    Base36,

    /// <summary>The Bitcoin alphabet (no 0, O, I, l), 11 characters.</summary>
    Base58,

    /// <summary>0-9 A-Z a-z, 11 characters.</summary>
    Base62,
}
