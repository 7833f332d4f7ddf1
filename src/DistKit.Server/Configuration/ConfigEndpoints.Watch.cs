using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using DistKit.Configuration;
using DistKit.Configuration.Access;
using DistKit.Configuration.Http;
using DistKit.Configuration.Watching;
using DistKit.Core;
using DistKit.Server.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DistKit.Server.Configuration;

internal static partial class ConfigEndpoints
{
    // Proxies and load balancers close a connection that is quiet for long (often 60 s).
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(5);
    private static readonly byte[] Ping = ": ping\n\n"u8.ToArray();

    // A release reaches every watcher of its namespace with the same bytes: serialize it once.
    private static readonly ConditionalWeakTable<ConfigRelease, byte[]> Serialized = [];

    /// <summary>
    /// <c>GET /v1/config/watch?ns=…&amp;from=…</c>: Server-Sent Events when the client accepts
    /// <c>text/event-stream</c> (each event's id is its revision, so an EventSource resumes by itself),
    /// otherwise a long poll answering the first releases after <c>from</c>, or none once <c>wait</c> passes.
    /// </summary>
    private static async Task WatchAsync(
        string? ns, string? prefix, string? from, string? wait, string? client, string? host, string? labels,
        IConfigCenter center, TimeProvider time, IHostApplicationLifetime lifetime, HttpContext context)
    {
        var space = Readable(context, ns);
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var fromText = from ?? (lastEventId.Length > 0 ? lastEventId : null);
        long? fromRevision = fromText is null ? null : Number(fromText, "from");
        var who = new WatcherInfo(client ?? "", host ?? "", Labels(labels), time.GetUtcNow());
        var streaming = context.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));
        var waitFor = streaming ? Heartbeat : WaitOf(wait);
        await using var watch = center.Watch(space, prefix, fromRevision, who);
        // A node shutting down ends its streams and polls at once instead of waiting out its
        // shutdown timeout; the clients reconnect (to another node) from their last revision.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        if (streaming)
        {
            await StreamAsync(watch, time, context, ended.Token);
        }
        else
        {
            await PollAsync(watch, waitFor, time, context, ended.Token);
        }
    }

    private static async Task StreamAsync(ConfigWatch watch, TimeProvider time, HttpContext context, CancellationToken aborted)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.Body.FlushAsync(aborted);
        var next = watch.NextAsync(aborted).AsTask();
        try
        {
            while (true)
            {
                using (var beat = CancellationTokenSource.CreateLinkedTokenSource(aborted))
                {
                    var quiet = Task.Delay(Heartbeat, time, beat.Token);
                    var first = await Task.WhenAny(next, quiet);
                    // The timer of a beat not needed is stopped, not left to run out.
                    await beat.CancelAsync();
                    if (first != next)
                    {
                        await response.Body.WriteAsync(Ping, aborted);
                        await response.Body.FlushAsync(aborted);
                        continue;
                    }
                }

                foreach (var e in await next)
                {
                    await response.Body.WriteAsync(Frame(e), aborted);
                }

                await response.Body.FlushAsync(aborted);
                next = watch.NextAsync(aborted).AsTask();
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The watcher went away.
        }
        catch (EngineUnavailableException)
        {
            // The stream has started (200 and its headers are sent), so no 503 can be: ending it
            // makes the client reconnect from its last event id, and a reconnect that needs the
            // store answers 503 until the store is back.
        }
        finally
        {
            await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private static async Task PollAsync(ConfigWatch watch, TimeSpan wait, TimeProvider time, HttpContext context, CancellationToken aborted)
    {
        using var timeout = new CancellationTokenSource(wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, aborted);
        IReadOnlyList<ConfigEvent> events;
        try
        {
            events = await watch.NextAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            events = [];
        }

        var batch = new WatchBatch(events.Count > 0 ? events[^1].Revision : Math.Max(watch.Revision, 0), [.. events.Select(ConfigViews.Of)]);
        await TypedResults.Json(batch, ConfigJsonContext.Default.WatchBatch).ExecuteAsync(context);
    }

    // One Server-Sent Event: the revision as its id, "release" or "snapshot" as its type.
    private static byte[] Frame(ConfigEvent e)
    {
        if (e.Release is { } release && !e.IsSnapshot && ReferenceEquals(e.Changes, release.Changes))
        {
            return Serialized.GetValue(release, _ => Encode(e));
        }

        return Encode(e);
    }

    private static byte[] Encode(ConfigEvent e)
    {
        var json = JsonSerializer.Serialize(ConfigViews.Of(e), ConfigJsonContext.Default.ReleaseView);
        return Encoding.UTF8.GetBytes($"id: {e.Revision.ToString(CultureInfo.InvariantCulture)}\nevent: {(e.IsSnapshot ? "snapshot" : "release")}\ndata: {json}\n\n");
    }

    private static TimeSpan WaitOf(string? wait)
    {
        if (wait is null)
        {
            return DefaultWait;
        }

        return Duration.TryParse(wait, out var parsed) && parsed >= TimeSpan.Zero && parsed <= MaxWait
            ? parsed
            : throw ApiException.InvalidArgument($"wait: '{wait}' is not a duration from 0 to 5m, such as 30s");
    }

    private static Dictionary<string, string> Labels(string? labels) =>
        WatcherInfo.TryParseLabels(labels, out var parsed, out var bad)
            ? parsed
            : throw ApiException.InvalidArgument($"labels: '{bad}' is not name=value (each name once), as in labels=zone=eu,canary=true");

    private static async Task<JsonHttpResult<ClientList>> ClientsAsync(string? ns, IConfigCenter center, HttpContext context)
    {
        var token = NodeAccess.Token(context);
        var watches = center.Watches.Where(w => (ns is null || w.Namespace == ns) && (token is null || token.Allows(w.Namespace, ConfigScope.Read))).ToList();
        var newest = new Dictionary<string, ConfigRelease?>(StringComparer.Ordinal);
        foreach (var space in watches.Select(w => w.Namespace).Distinct(StringComparer.Ordinal))
        {
            var releases = await center.ReleasesAsync(space, 1, cancellationToken: context.RequestAborted);
            newest[space] = releases.Count == 0 ? null : releases[0];
        }

        var clients = watches
            .Select(w => new ClientView(w.Who.Client, w.Who.Host, w.Who.Labels, w.Namespace, w.Prefix, w.Revision, w.Revision < (newest[w.Namespace]?.Revision ?? 0), w.Who.Connected))
            .OrderBy(c => c.Ns, StringComparer.Ordinal).ThenBy(c => c.Client, StringComparer.Ordinal)
            .ToList();
        // The monitoring point: how long the namespace's newest release took to reach every
        // watcher connected here (null while one has not had it).
        var namespaces = newest.Where(n => n.Value is not null).OrderBy(n => n.Key, StringComparer.Ordinal).Select(n =>
        {
            var release = n.Value!;
            // Watchers that connected after the release were never sent it live: not theirs to time.
            var mine = watches.Where(w => w.Namespace == n.Key && w.Who.Connected <= release.Time).ToList();
            var reached = mine.Select(w => w.DeliveredAt(release.Revision)).ToList();
            var behind = mine.Count(w => w.Revision < release.Revision);
            double? reachedAllMs = behind == 0 && reached.All(r => r is not null) && reached.Count > 0
                ? Math.Max(0, (reached.Max()!.Value - release.Time).TotalMilliseconds)
                : null;
            return new NamespaceClients(n.Key, release.Revision, release.Time, mine.Count, behind, reachedAllMs is { } ms ? Math.Round(ms, 1) : null);
        }).ToList();
        return TypedResults.Json(new ClientList(clients, namespaces), ConfigJsonContext.Default.ClientList);
    }
}
