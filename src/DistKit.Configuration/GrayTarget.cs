using System.IO.Hashing;
using System.Text;

namespace DistKit.Configuration;

/// <summary>
/// Which clients a gray release reaches first: those with every label given, and (when a percentage
/// is given) whose client id hashes into that share. The hash is stable (xxHash64 of namespace and
/// client id), so a client stays in or out across reconnects and restarts, and raising the
/// percentage only adds clients.
/// </summary>
/// <param name="Labels">Labels a client must all have (<c>zone=eu</c>); empty for none.</param>
/// <param name="Percent">The share of client ids, 1 to 100; null for no percentage.</param>
public sealed record GrayTarget(IReadOnlyDictionary<string, string> Labels, int? Percent)
{
    /// <summary>Throws <see cref="ArgumentException"/> unless the target names labels, a percentage, or both.</summary>
    public GrayTarget Validate()
    {
        ArgumentNullException.ThrowIfNull(Labels);
        if (Labels.Count == 0 && Percent is null)
        {
            throw new ArgumentException("a gray release targets labels (zone=eu), a percentage of client ids, or both");
        }

        if (Percent is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(Percent), Percent, "the percentage is 1 to 100");
        }

        return this;
    }

    /// <summary>True when the client <paramref name="client"/> with <paramref name="labels"/> is in the gray of <paramref name="ns"/>.</summary>
    public bool Matches(string ns, string client, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (name, value) in Labels)
        {
            if (!labels.TryGetValue(name, out var held) || held != value)
            {
                return false;
            }
        }

        // A client that gave no id cannot be placed in a share; it is in only when no share is asked.
        return Percent is not { } percent || (client.Length > 0 && Bucket(ns, client) < percent);
    }

    /// <summary>The client's bucket, 0 to 99, for <paramref name="ns"/>.</summary>
    public static int Bucket(string ns, string client) =>
        (int)(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(ns + "\n" + client)) % 100);
}
