using System.Buffers.Binary;

namespace DistKit.Ids;

/// <summary>
/// Keeps a generator's time mark in a file: written to a temporary file, flushed to disk, then
/// renamed over the old one, so a crash leaves either the old or the new mark, never a torn one.
/// </summary>
/// <param name="path">The mark file; its directory is created if missing.</param>
public sealed class FileTimeMarkStore(string path) : ITimeMarkStore
{
    private readonly string _path = Path.GetFullPath(path);

    /// <summary>The mark file.</summary>
    public string FilePath => _path;

    /// <inheritdoc />
    public DateTimeOffset? Load()
    {
        if (!File.Exists(_path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(_path);
        return bytes.Length == sizeof(long)
            ? DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(bytes))
            : throw new InvalidDataException($"time mark file '{_path}' is {bytes.Length} bytes, expected 8; delete it only if no generator with this node ran after the clock last stepped back");
    }

    /// <inheritdoc />
    public void Save(DateTimeOffset mark)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temporary = _path + ".tmp";
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, mark.ToUnixTimeMilliseconds());
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);

        // The rename lives in the directory: without this a power loss can bring back the old,
        // lower mark, and machines often come back with the clock behind.
        Internal.DirectorySync.Flush(Path.GetDirectoryName(_path)!);
    }
}
