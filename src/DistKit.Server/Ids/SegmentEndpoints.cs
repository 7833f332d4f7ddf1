using System.Buffers;
using System.Text.RegularExpressions;
using DistKit.Ids.Segments;
using DistKit.Server.Http;

namespace DistKit.Server.Ids;

/// <summary><c>GET /v1/segments/{key}?count=N</c>: dense increasing ids per business key.</summary>
internal static partial class SegmentEndpoints
{
    public static void Map(IEndpointRouteBuilder routes) => routes.MapGet("/v1/segments/{key}", TakeAsync);

    private static async Task TakeAsync(HttpContext context, SegmentIdAllocator allocator, string key, string? count)
    {
        if (!KeyPattern().IsMatch(key))
        {
            throw ApiException.InvalidArgument($"segment key '{key}' must be 1 to 128 letters, digits, '.', '_', ':' or '-'");
        }

        var n = IdEndpoints.ParseCount(count);

        var ids = ArrayPool<long>.Shared.Rent(n);
        try
        {
            await allocator.FillAsync(key, ids.AsMemory(0, n), context.RequestAborted);
            context.Response.ContentType = "application/json";
            IdArrayWriter.Write(context.Response.BodyWriter, ids.AsSpan(0, n), DistKit.Ids.Encoding.IdEncoding.Base10);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    private static partial Regex KeyPattern();
}
