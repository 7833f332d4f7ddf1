using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DistKit.Testing;

/// <summary>
/// A real HTTP receiver of job callbacks on a free loopback port: records each POST (job id,
/// attempt, body, when it arrived) and answers 200, or never answers when made to hang.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    // Completed at disposal: a hanging receiver holds each request until then.
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private readonly bool _hang;

    /// <summary>Starts listening; with <paramref name="hang"/>, every request is held unanswered until disposal.</summary>
    public CallbackReceiver(bool hang = false)
    {
        _hang = hang;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = new Uri($"http://127.0.0.1:{port}/callback");
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The URL to give jobs as their callback.</summary>
    public Uri Url { get; }

    /// <summary>Every callback received, in arrival order.</summary>
    public ConcurrentQueue<Callback> Received { get; } = new();

    /// <summary>How many callbacks arrived.</summary>
    public int Count => Received.Count;

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var arrived = TimeProvider.System.GetUtcNow();
        using var reader = new StreamReader(context.Request.InputStream);
        var body = await reader.ReadToEndAsync();
        Received.Enqueue(new Callback(
            context.Request.Headers["DistKit-Job-Id"] ?? "",
            int.Parse(context.Request.Headers["DistKit-Attempt"] ?? "0", CultureInfo.InvariantCulture),
            body,
            context.Request.Headers["DistKit-Idempotency-Key"],
            arrived));
        if (_hang)
        {
            await _released.Task;
        }

        try
        {
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // The firing side gave up on us.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _released.TrySetResult();
        _listener.Close();
        await _loop;
        _stop.Dispose();
    }

    /// <summary>One callback: the job's id and attempt headers, the body, and when it arrived.</summary>
    public sealed record Callback(string JobId, int Attempt, string Body, string? IdempotencyKey, DateTimeOffset Arrived);
}
