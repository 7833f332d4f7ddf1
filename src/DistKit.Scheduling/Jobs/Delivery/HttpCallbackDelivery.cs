using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace DistKit.Scheduling.Jobs;

/// <summary>
/// HTTP callbacks: a POST to the job's URL whose body is exactly its data, with
/// <c>DistKit-Job-Id</c>, <c>DistKit-Attempt</c>, and <c>DistKit-Idempotency-Key</c> and
/// <c>DistKit-Job-Key</c> when set, so a receiver can drop a redelivery. A 2xx answer within the
/// job's timeout is success. At most <see cref="JobsOptions.MaxPerHost"/> callbacks run per host at
/// once: a receiver that hangs holds its own slots until their timeouts, never another host's, and a
/// job that waits a whole timeout for one of its host's slots fails that attempt.
/// </summary>
internal sealed class HttpCallbackDelivery : IJobDelivery, IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly HttpClient _http;
    private readonly int _perHost;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _hosts = new(StringComparer.OrdinalIgnoreCase);

    public HttpCallbackDelivery(int perHost, TimeProvider time, HttpMessageHandler? handler = null)
    {
        _perHost = perHost;
        _time = time;
        _http = new HttpClient(handler ?? new SocketsHttpHandler
        {
            MaxConnectionsPerServer = perHost,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // A callback that redirects is a misconfigured URL; following it would POST elsewhere.
            AllowAutoRedirect = false,
        })
        {
            // The job's own timeout bounds each call.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public JobTargetKind Kind => JobTargetKind.Http;

    public async ValueTask<string?> DeliverAsync(Job job, CancellationToken cancellationToken)
    {
        var url = new Uri(job.Target.Address, UriKind.Absolute);
        var slots = _hosts.GetOrAdd(url.GetLeftPart(UriPartial.Authority), _ => new SemaphoreSlim(_perHost, _perHost));
        // The wait for a slot is bounded by the job's timeout too, so a receiver that hangs fails its
        // own backlog attempt by attempt instead of holding it (and the claims on it) indefinitely.
        using (var slotBound = new CancellationTokenSource(job.Timeout, _time))
        using (var either = CancellationTokenSource.CreateLinkedTokenSource(slotBound.Token, cancellationToken))
        {
            try
            {
                await slots.WaitAsync(either.Token);
            }
            catch (OperationCanceledException) when (slotBound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return $"{url.GetLeftPart(UriPartial.Authority)} is busy: {_perHost} callbacks to it were still running after {job.Timeout.TotalMilliseconds:0} ms";
            }
        }

        try
        {
            using var timeout = new CancellationTokenSource(job.Timeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(job.Data ?? "")) { Headers = { ContentType = Json } },
            };
            request.Headers.Add("DistKit-Job-Id", job.Id);
            request.Headers.Add("DistKit-Attempt", job.Attempt.ToString(CultureInfo.InvariantCulture));
            if (job.IdempotencyKey is { } idempotencyKey)
            {
                request.Headers.TryAddWithoutValidation("DistKit-Idempotency-Key", idempotencyKey);
            }

            if (job.Key is { } key)
            {
                request.Headers.TryAddWithoutValidation("DistKit-Job-Key", key);
            }

            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                return $"timed out after {job.Timeout.TotalMilliseconds:0} ms";
            }
            catch (HttpRequestException e)
            {
                return e.HttpRequestError is HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError}: {e.Message}";
            }
        }
        finally
        {
            slots.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        foreach (var slots in _hosts.Values)
        {
            slots.Dispose();
        }
    }
}
