using System.Buffers;
using DistKit.Ids;
using DistKit.Ids.Encoding;
using DistKit.Server.Http;

namespace DistKit.Server.Ids;

/// <summary><c>/v1/ids</c>: issue ids in batches and decode them.</summary>
internal static class IdEndpoints
{
    public const int MaxCount = 10_000;

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/ids", IssueAsync);
        routes.MapGet("/v1/ids/{id}", Decode);
    }

    private static async Task IssueAsync(HttpContext context, IdService ids, [Microsoft.AspNetCore.Mvc.FromServices] TimeProvider time, string? count, string? layout, string? encoding)
    {
        var n = ParseCount(count);
        var idLayout = ParseLayout(layout);
        var idEncoding = ParseEncoding(encoding);
        var generator = await ids.GeneratorAsync(idLayout, context.RequestAborted);

        var buffer = ArrayPool<long>.Shared.Rent(n);
        try
        {
            await FillAsync(generator, buffer.AsMemory(0, n), time, context.RequestAborted);
            context.Response.ContentType = "application/json";
            IdArrayWriter.Write(context.Response.BodyWriter, buffer.AsSpan(0, n), idEncoding);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Fills <paramref name="destination"/> without blocking a thread: a batch larger than one time
    /// unit's sequence (10,000 Sonyflake ids span about 39 units of 10 ms) awaits each next unit on
    /// the clock instead of sleeping in the generator, so other requests keep their threads.
    /// </summary>
    internal static async ValueTask FillAsync(IIdGenerator generator, Memory<long> destination, TimeProvider time, CancellationToken cancellationToken)
    {
        var filled = generator.TryNextIds(destination.Span);
        while (filled < destination.Length)
        {
            var untilNextUnit = UntilNextUnit(generator.Layout, time);

            // Timers here are coarse (a 1 ms delay takes about 5 ms): a wait shorter than that is
            // better spent queued behind other work on the thread pool than on a timer.
            if (untilNextUnit < TimeSpan.FromMilliseconds(2))
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
            }
            else
            {
                await Task.Delay(untilNextUnit, time, cancellationToken);
            }

            filled += generator.TryNextIds(destination.Span[filled..]);
        }
    }

    private static TimeSpan UntilNextUnit(IdLayout layout, TimeProvider time)
    {
        var unit = layout.TimeUnit.Ticks;
        var sinceEpoch = time.GetUtcNow().UtcTicks - layout.Epoch.UtcTicks;
        return TimeSpan.FromTicks(unit - (((sinceEpoch % unit) + unit) % unit));
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<DecodedId> Decode(string id, string? layout, string? encoding)
    {
        var idLayout = ParseLayout(layout);
        var idEncoding = ParseEncoding(encoding);
        if (!IdEncoder.TryDecode(id, idEncoding, out var value))
        {
            throw ApiException.InvalidArgument($"'{id}' is not a {idEncoding.ToString().ToLowerInvariant()} id");
        }

        IdParts parts;
        try
        {
            parts = idLayout.Decode(value);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw ApiException.InvalidArgument($"{value} is outside layout '{idLayout}' (0 to {idLayout.MaxId})");
        }

        return TypedResults.Json(
            new DecodedId(value.ToString(System.Globalization.CultureInfo.InvariantCulture), idLayout.ToString(), parts.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture), parts.Ticks, parts.Node, parts.Datacenter, parts.Worker, parts.Sequence),
            ApiJsonContext.Default.DecodedId);
    }

    /// <summary>Reads a <c>count</c> query value: absent means 1; otherwise 1 to <see cref="MaxCount"/>, or a 400.</summary>
    internal static int ParseCount(string? count)
    {
        if (count is null)
        {
            return 1;
        }

        return int.TryParse(count, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxCount
            ? n
            : throw ApiException.InvalidArgument($"count must be a whole number from 1 to {MaxCount}, got '{count}'");
    }

    private static IdLayout ParseLayout(string? layout)
    {
        try
        {
            return layout is null ? IdLayout.Snowflake : IdLayout.Parse(layout);
        }
        catch (FormatException e)
        {
            throw ApiException.InvalidArgument(e.Message);
        }
    }

    private static IdEncoding ParseEncoding(string? encoding)
    {
        try
        {
            return encoding is null ? IdEncoding.Base10 : IdEncoder.ParseEncoding(encoding);
        }
        catch (FormatException e)
        {
            throw ApiException.InvalidArgument(e.Message);
        }
    }

}

/// <summary>What <c>GET /v1/ids/{id}</c> answers.</summary>
/// <param name="Id">The id, as a decimal string.</param>
/// <param name="Layout">The layout it was decoded with.</param>
/// <param name="Time">ISO-8601 UTC start of the id's time unit.</param>
/// <param name="Ticks">The raw time field.</param>
/// <param name="Node">The node field.</param>
/// <param name="Datacenter">The datacenter part, for layouts that split the node.</param>
/// <param name="Worker">The worker part, for layouts that split the node.</param>
/// <param name="Sequence">The sequence field.</param>
public sealed record DecodedId(string Id, string Layout, string Time, long Ticks, long Node, long? Datacenter, long? Worker, long Sequence);
