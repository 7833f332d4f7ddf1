using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;

namespace DistKit.Lucene;

/// <summary>One write in a shard's log.</summary>
internal sealed record TranslogEntry(bool Delete, string Id, long SeqNo, long Version, string? Source);

/// <summary>
/// A shard's write-ahead log: each write appended as [length][CRC-32][JSON] and fsynced before it is
/// acknowledged (Elasticsearch's <c>translog.durability=request</c>). A crash can leave only a torn
/// last record, never acknowledged: replay stops at the first record whose length or checksum does
/// not hold and cuts the file there. A flush commits Lucene and empties the log.
/// </summary>
internal sealed class Translog : IDisposable
{
    private const int HeaderLength = 8;
    private readonly FileStream _file;

    public Translog(string path)
    {
        _file = Open(path);
    }

    /// <summary>Bytes in the log.</summary>
    public long Length => _file.Length;

    /// <summary>Every intact entry, in order; the file is cut after the last one.</summary>
    public List<TranslogEntry> Replay()
    {
        var entries = new List<TranslogEntry>();
        _file.Position = 0;
        var header = new byte[HeaderLength];
        long intact = 0;
        while (true)
        {
            if (_file.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false) < HeaderLength)
            {
                break;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (length <= 0 || length > _file.Length - _file.Position)
            {
                break;
            }

            var payload = new byte[length];
            _file.ReadExactly(payload);
            if (Crc32.HashToUInt32(payload) != checksum)
            {
                break;
            }

            entries.Add(Read(payload));
            intact = _file.Position;
        }

        if (intact != _file.Length)
        {
            _file.SetLength(intact);
            _file.Flush(flushToDisk: true);
        }

        _file.Position = _file.Length;
        return entries;
    }

    /// <summary>
    /// Appends <paramref name="entry"/> and waits until it is on disk. On failure the file is cut
    /// back to where the record began, so no intact record can come to stand behind a broken one;
    /// if even that fails the caller must stop writing (the shard fails).
    /// </summary>
    public void Append(TranslogEntry entry, bool sync = true)
    {
        var payload = Write(entry);
        var record = new byte[HeaderLength + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(record, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.HashToUInt32(payload));
        payload.CopyTo(record, HeaderLength);
        var start = _file.Length;
        try
        {
            _file.Position = start;
            _file.Write(record);
            if (sync)
            {
                _file.Flush(flushToDisk: true);
            }
        }
        catch
        {
            _file.SetLength(start);
            _file.Flush(flushToDisk: true);
            _file.Position = start;
            throw;
        }
    }

    /// <summary>Waits until every record appended is on disk (a bulk request's one sync).</summary>
    public void Sync() => _file.Flush(flushToDisk: true);

    /// <summary>Empties the log once everything in it is committed to Lucene.</summary>
    public void Clear()
    {
        _file.SetLength(0);
        _file.Flush(flushToDisk: true);
    }

    public void Dispose() => _file.Dispose();

    // Unbuffered: every record goes to the file in one write, nothing waits in a buffer.
    private static FileStream Open(string path) => new(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0, FileOptions.None);

    private static byte[] Write(TranslogEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("op", entry.Delete ? "delete" : "index");
            w.WriteString("id", entry.Id);
            w.WriteNumber("seq", entry.SeqNo);
            w.WriteNumber("version", entry.Version);
            if (entry.Source is { } source)
            {
                w.WritePropertyName("source");
                w.WriteRawValue(source, skipInputValidation: true);
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static TranslogEntry Read(byte[] payload)
    {
        // One level deeper than the deepest source the mapper takes, which the record wraps.
        using var document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = DocumentMapper.MaxDepth + 2 });
        var root = document.RootElement;
        return new TranslogEntry(
            root.GetProperty("op").GetString() == "delete",
            root.GetProperty("id").GetString()!,
            root.GetProperty("seq").GetInt64(),
            root.GetProperty("version").GetInt64(),
            root.TryGetProperty("source", out var source) ? source.GetRawText() : null);
    }
}
