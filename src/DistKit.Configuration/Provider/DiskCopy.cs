using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistKit.Configuration.Provider;

/// <summary>
/// The provider's copy of the last configuration it applied: one file per namespace, written
/// atomically (a temporary file, flushed to disk, renamed over the old one) and checksummed, so a
/// torn or edited file is detected and ignored rather than half-read.
/// </summary>
internal sealed class DiskCopy(string directory, string ns, string? prefix)
{
    private const string Magic = "distkit-config 1 sha256:";

    // One file per namespace and key prefix: two providers of one namespace with different
    // prefixes must not start from each other's copy.
    public string Path { get; } = System.IO.Path.Combine(directory, ns.Replace('/', '~')
        + (prefix is null ? "" : "@" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prefix)))[..16]) + ".json");

    public void Write(CachedNamespace state)
    {
        Directory.CreateDirectory(directory);
        var payload = JsonSerializer.SerializeToUtf8Bytes(state, DiskCopyJson.Default.CachedNamespace);
        var header = Encoding.ASCII.GetBytes(Magic + Convert.ToHexStringLower(SHA256.HashData(payload)) + "\n");
        var temporary = Path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(header);
                file.Write(payload);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The copy, or null with the reason it cannot be used.</summary>
    public (CachedNamespace? State, string? Problem) Read()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path);
        }
        catch (FileNotFoundException)
        {
            return (null, null);
        }
        catch (DirectoryNotFoundException)
        {
            return (null, null);
        }
        catch (IOException e)
        {
            return (null, $"cannot read it: {e.Message}");
        }

        var newline = Array.IndexOf(bytes, (byte)'\n');
        if (newline < 0 || !Encoding.ASCII.GetString(bytes, 0, newline).StartsWith(Magic, StringComparison.Ordinal))
        {
            return (null, "it is not a DistKit configuration copy (no checksum header)");
        }

        var expected = Encoding.ASCII.GetString(bytes, Magic.Length, newline - Magic.Length);
        var payload = bytes.AsSpan(newline + 1);
        if (!string.Equals(expected, Convert.ToHexStringLower(SHA256.HashData(payload)), StringComparison.Ordinal))
        {
            return (null, "its checksum does not match its contents (torn or edited)");
        }

        try
        {
            var state = JsonSerializer.Deserialize(payload, DiskCopyJson.Default.CachedNamespace);
            return state is not null && state.Namespace == ns && state.Prefix == prefix ? (state, null) : (null, "it holds another namespace or key prefix");
        }
        catch (JsonException e)
        {
            return (null, $"it does not read: {e.Message}");
        }
    }
}

/// <summary>What the disk copy holds: the namespace at one revision, and the schemas it was checked against.</summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Prefix">The key prefix loaded, or null for every key.</param>
/// <param name="Revision">The revision the entries are at.</param>
/// <param name="Entries">The live keys.</param>
/// <param name="Schemas">The namespace's schemas by key (namespace's own under the empty key).</param>
internal sealed record CachedNamespace(string Namespace, string? Prefix, long Revision, IReadOnlyList<CachedEntry> Entries, IReadOnlyDictionary<string, string> Schemas);

/// <summary>One key in the disk copy.</summary>
/// <param name="Key">The key.</param>
/// <param name="Type">Its type.</param>
/// <param name="Value">Its value as stored.</param>
/// <param name="Version">Its version.</param>
internal sealed record CachedEntry(string Key, ConfigValueType Type, string Value, long Version);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true)]
[JsonSerializable(typeof(CachedNamespace))]
internal sealed partial class DiskCopyJson : JsonSerializerContext;
