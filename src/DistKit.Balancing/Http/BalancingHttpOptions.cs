namespace DistKit.Balancing.Http;

/// <summary>How the <c>HttpClient</c> handler calls a balanced service.</summary>
public sealed class BalancingHttpOptions
{
    /// <summary>The most attempts per request, the first included. Default 3; 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// How long one attempt may take before it counts as the endpoint failing and the request, when
    /// safe, goes to another; null (default): only <c>HttpClient.Timeout</c>, which covers every
    /// attempt and counts as the caller giving up. Set it so a hung endpoint is ejected.
    /// </summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>
    /// Which answers count as the endpoint failing (and are retried when the request may be). Default:
    /// 502, 503 and 504 — the ones that say the instance, not the request, is the problem.
    /// </summary>
    public Func<HttpResponseMessage, bool> IsFailure { get; set; } = response => (int)response.StatusCode is 502 or 503 or 504;

    /// <summary>The request option that carries a keyed policy's key (<c>request.Options.Set(BalancingHttpOptions.Key, "user-42")</c>).</summary>
    public static HttpRequestOptionsKey<string> Key { get; } = new("DistKit.Balancing.Key");

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentNullException.ThrowIfNull(IsFailure);
        if (AttemptTimeout is { } limit && (limit <= TimeSpan.Zero || limit > TimeSpan.FromDays(1)))
        {
            throw new ArgumentOutOfRangeException(nameof(AttemptTimeout), limit, "must be above zero and at most a day");
        }
    }
}
