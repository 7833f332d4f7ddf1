using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using DistKit.Client.Internal;

namespace DistKit.Client;

public sealed partial class NodeClient
{
    /// <summary><c>POST /v1/jobs</c>: schedules a job; its <see cref="NodeJob.Outcome"/> says whether it was created, replaced (business key) or already there (idempotency key).</summary>
    public Task<NodeJob> ScheduleJobAsync(NodeJobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var content = new ByteArrayContent(JobBody(request)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        return SendAsync(HttpMethod.Post, "v1/jobs", content, ClientJsonContext.Default.NodeJob, cancellationToken);
    }

    /// <summary><c>GET /v1/jobs/{id}</c>; a job that does not exist is a <see cref="NodeApiException"/> with status 404.</summary>
    public Task<NodeJob> GetJobAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return SendAsync(HttpMethod.Get, $"v1/jobs/{Uri.EscapeDataString(id)}", null, ClientJsonContext.Default.NodeJob, cancellationToken);
    }

    /// <summary><c>DELETE /v1/jobs/{id}</c>: cancels the job unless it is finished, and returns it as it now is.</summary>
    public Task<NodeJob> CancelJobAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return SendAsync(HttpMethod.Delete, $"v1/jobs/{Uri.EscapeDataString(id)}", null, ClientJsonContext.Default.NodeJob, cancellationToken);
    }

    /// <summary><c>DELETE /v1/jobs?key=…</c>: cancels the unfinished job with business key <paramref name="key"/>.</summary>
    public Task<NodeJob> CancelJobByKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return SendAsync(HttpMethod.Delete, $"v1/jobs?key={Uri.EscapeDataString(key)}", null, ClientJsonContext.Default.NodeJob, cancellationToken);
    }

    /// <summary><c>GET /v1/jobs?state=…&amp;limit=…</c>: up to <paramref name="limit"/> jobs, soonest due first.</summary>
    public async Task<IReadOnlyList<NodeJob>> ListJobsAsync(string? state = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        var path = $"v1/jobs?limit={limit.ToString(CultureInfo.InvariantCulture)}" + (state is null ? "" : $"&state={Uri.EscapeDataString(state)}");
        return (await SendAsync(HttpMethod.Get, path, null, ClientJsonContext.Default.NodeJobList, cancellationToken)).Jobs;
    }

    // Written by hand so the data goes out byte for byte as given: the callback body is exactly it.
    private static byte[] JobBody(NodeJobRequest request)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Write(json, "in", request.In);
            Write(json, "at", request.At);
            Write(json, "cron", request.Cron);
            Write(json, "http", request.Http);
            Write(json, "nats", request.Nats);
            if (request.Data is { } data)
            {
                json.WritePropertyName("data");
                json.WriteRawValue(data, skipInputValidation: false);
            }

            Write(json, "key", request.Key);
            Write(json, "idempotency_key", request.IdempotencyKey);
            if (request.Attempts is { } attempts)
            {
                json.WriteNumber("attempts", attempts);
            }

            Write(json, "timeout", request.Timeout);
            Write(json, "misfire", request.Misfire);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void Write(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
