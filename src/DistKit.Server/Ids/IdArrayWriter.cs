using System.Buffers.Text;
using System.IO.Pipelines;
using DistKit.Ids.Encoding;

namespace DistKit.Server.Ids;

/// <summary>Writes <c>{"ids":["…",…]}</c> for the id endpoints.</summary>
internal static class IdArrayWriter
{
    // Ids are written straight into the response pipe: at 1,000 ids a request a serializer and
    // 1,000 strings per request would cost more than issuing the ids.
    public static void Write(PipeWriter writer, ReadOnlySpan<long> ids, IdEncoding encoding)
    {
        var span = writer.GetSpan(16 + (ids.Length * (IdEncoder.MaxLength + 3)));
        "{\"ids\":["u8.CopyTo(span);
        var at = 8;
        Span<char> chars = stackalloc char[IdEncoder.MaxLength];
        for (var i = 0; i < ids.Length; i++)
        {
            if (i > 0)
            {
                span[at++] = (byte)',';
            }

            span[at++] = (byte)'"';
            if (encoding == IdEncoding.Base10)
            {
                _ = Utf8Formatter.TryFormat(ids[i], span[at..], out var written);
                at += written;
            }
            else
            {
                var length = IdEncoder.Encode(ids[i], encoding, chars);
                for (var c = 0; c < length; c++)
                {
                    span[at++] = (byte)chars[c];
                }
            }

            span[at++] = (byte)'"';
        }

        "]}"u8.CopyTo(span[at..]);
        writer.Advance(at + 2);
    }
}
