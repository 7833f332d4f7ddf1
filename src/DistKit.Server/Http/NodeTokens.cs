using System.Security.Cryptography;
using System.Text;

namespace DistKit.Server.Http;

/// <summary>
/// The node's own tokens, kept as hashes and compared in fixed time, for every listener that checks
/// them (<c>/v1</c> and the search API): hashing first gives equal-length inputs, so the comparison
/// time says nothing about the token.
/// </summary>
internal sealed class NodeTokens(IReadOnlyList<string> tokens)
{
    private readonly byte[][] _hashes = [.. tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t)))];

    /// <summary>True when the node has no tokens, so nothing is checked.</summary>
    public bool IsEmpty => _hashes.Length == 0;

    /// <summary>Whether <paramref name="secret"/> is one of the node's tokens.</summary>
    public bool Contains(string secret)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        var known = false;
        foreach (var hash in _hashes)
        {
            known |= CryptographicOperations.FixedTimeEquals(hash, presented);
        }

        return known;
    }
}
