using System.Globalization;
using System.Net.Http.Headers;

namespace DistKit.Cli.Bench;

/// <summary>
/// N Server-Sent Events watchers of one namespace on a node, each on its own connection, stamping
/// the moment each event's frame arrives. They read the <c>id:</c> line (the revision) and skip the
/// JSON: a fleet's clients parse on their own machines, not on the node's cores, as they must here.
/// </summary>
internal sealed class SseWatchers : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];
    private readonly Action<int, long, long> _received;
    private int _connected;

    /// <param name="node">The node.</param>
    /// <param name="received">Called with (watcher, revision, timestamp) for each event after the first snapshot.</param>
    public SseWatchers(Uri node, Action<int, long, long> received)
    {
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = node,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _received = received;
    }

    public int Connected => Volatile.Read(ref _connected);

    /// <summary>Connects <paramref name="count"/> watchers from <paramref name="fromRevision"/>; returns once every one has its stream open.</summary>
    public async Task ConnectAsync(int count, string ns, long fromRevision, CancellationToken cancellationToken)
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < count; i++)
        {
            var watcher = i;
            _readers.Add(Task.Run(() => ReadAsync(watcher, ns, fromRevision, count, open), CancellationToken.None));
        }

        await open.Task.WaitAsync(cancellationToken);
    }

    private async Task ReadAsync(int watcher, string ns, long fromRevision, int count, TaskCompletionSource open)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/config/watch?ns={Uri.EscapeDataString(ns)}&from={fromRevision}&client=bench-{watcher}");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token);
            response.EnsureSuccessStatusCode();
            if (Interlocked.Increment(ref _connected) == count)
            {
                open.TrySetResult();
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(_stop.Token));
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    _received(watcher, long.Parse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture), TimeProvider.System.GetTimestamp());
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            open.TrySetException(new InvalidOperationException($"watcher {watcher} could not connect: {e.Message}", e));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _http.Dispose();
        _stop.Dispose();
    }
}
