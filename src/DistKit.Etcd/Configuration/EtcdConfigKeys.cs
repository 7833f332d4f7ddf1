using System.Globalization;
using Google.Protobuf;

namespace DistKit.Etcd.Configuration;

/// <summary>
/// The key layout under one prefix. Namespaces and keys never hold a NUL (their names forbid it),
/// so NUL separates them and <c>\u0001</c> ends a range; numbers are zero-padded to 20 digits so
/// etcd's byte order is their numeric order.
/// </summary>
internal sealed class EtcdConfigKeys(string prefix)
{
    public ByteString Counter { get; } = ByteString.CopyFromUtf8(prefix + "revision");

    public ByteString Entry(string ns, string key) => Utf8($"{prefix}e/{ns}\0{key}");

    public (ByteString From, ByteString To) Entries(string ns, string? keyPrefix = null) =>
        keyPrefix is null ? Range($"{prefix}e/{ns}\0") : Range($"{prefix}e/{ns}\0{keyPrefix}");

    public (ByteString From, ByteString To) AllEntries => Range($"{prefix}e/");

    public ByteString History(string ns, string key, long version) => Utf8($"{prefix}h/{ns}\0{key}\0{Number(version)}");

    public (ByteString From, ByteString To) Histories(string ns, string key, long? beforeVersion) => beforeVersion is { } before
        ? (Utf8($"{prefix}h/{ns}\0{key}\0"), Utf8($"{prefix}h/{ns}\0{key}\0{Number(before)}"))
        : Range($"{prefix}h/{ns}\0{key}\0");

    public (ByteString From, ByteString To) NamespaceHistory(string ns) => Range($"{prefix}h/{ns}\0");

    public ByteString Release(long revision) => Utf8($"{prefix}r/{Number(revision)}");

    public (ByteString From, ByteString To) ReleasesAfter(long revision) => (Utf8($"{prefix}r/{Number(revision + 1)}"), Range($"{prefix}r/").To);

    public ByteString NamespaceRelease(string ns, long revision) => Utf8($"{prefix}n/{ns}\0{Number(revision)}");

    public (ByteString From, ByteString To) NamespaceReleasesAfter(string ns, long revision) => (Utf8($"{prefix}n/{ns}\0{Number(revision + 1)}"), Range($"{prefix}n/{ns}\0").To);

    public (ByteString From, ByteString To) NamespaceReleasesBefore(string ns, long? revision) => revision is { } before
        ? (Utf8($"{prefix}n/{ns}\0"), Utf8($"{prefix}n/{ns}\0{Number(before)}"))
        : Range($"{prefix}n/{ns}\0");

    public ByteString GrayRelease(string ns, long revision) => Utf8($"{prefix}g/{ns}\0{Number(revision)}");

    public (ByteString From, ByteString To) GrayReleasesUpTo(string ns, long revision) => revision == long.MaxValue
        ? Range($"{prefix}g/{ns}\0")
        : (Utf8($"{prefix}g/{ns}\0"), Utf8($"{prefix}g/{ns}\0{Number(revision + 1)}"));

    public ByteString Draft(string ns, string key) => Utf8($"{prefix}d/{ns}\0{key}");

    public (ByteString From, ByteString To) Drafts(string ns) => Range($"{prefix}d/{ns}\0");

    public (ByteString From, ByteString To) AllDrafts => Range($"{prefix}d/");

    public ByteString Schema(string ns, string key) => Utf8($"{prefix}s/{ns}\0{key}");

    public (ByteString From, ByteString To) Schemas(string ns) => Range($"{prefix}s/{ns}\0");

    public (ByteString From, ByteString To) AllSchemas => Range($"{prefix}s/");

    /// <summary>The namespace and key of a <c>e/</c>, <c>d/</c> or <c>s/</c> key.</summary>
    public (string Ns, string Key) Split(ByteString key)
    {
        var text = key.ToStringUtf8()[(prefix.Length + 2)..];
        var separator = text.IndexOf('\0', StringComparison.Ordinal);
        return (text[..separator], text[(separator + 1)..]);
    }

    private static (ByteString From, ByteString To) Range(string start)
    {
        // Every key starting with `start`: up to the same bytes with the last one raised by one.
        var bytes = System.Text.Encoding.UTF8.GetBytes(start);
        var end = (byte[])bytes.Clone();
        end[^1]++;
        return (ByteString.CopyFrom(bytes), ByteString.CopyFrom(end));
    }

    private static ByteString Utf8(string text) => ByteString.CopyFromUtf8(text);

    private static string Number(long value) => value.ToString("D20", CultureInfo.InvariantCulture);
}
