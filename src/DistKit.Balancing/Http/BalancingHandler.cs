using DistKit.Balancing.Discovery;
using DistKit.Balancing.Services;

namespace DistKit.Balancing.Http;

/// <summary>
/// Sends each request of a logical URL (<c>http://orders/api/…</c>: the host names the service) to
/// an endpoint the service's policy picks, and on a failure to another one from the call's plan,
/// never one already tried. Every attempt's outcome and latency goes back to the balancer, so
/// failing endpoints are ejected and slow ones avoided. A request is retried when repeating it is
/// safe: its method is idempotent, or the failure happened before anything was sent.
/// </summary>
public sealed class BalancingHandler : DelegatingHandler
{
    private readonly ServiceBalancers _balancers;
    private readonly BalancingHttpOptions _options;

    /// <summary>A handler over <paramref name="balancers"/>.</summary>
    public BalancingHandler(ServiceBalancers balancers, BalancingHttpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(balancers);
        _balancers = balancers;
        _options = options ?? new BalancingHttpOptions();
        _options.Validate();
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var logical = request.RequestUri ?? throw new InvalidOperationException("the request has no URI");
        if (!logical.IsAbsoluteUri)
        {
            throw new InvalidOperationException($"'{logical}' is not absolute; a balanced client needs http://service/path or a BaseAddress");
        }

        var balancer = await _balancers.GetAsync(logical.Host, cancellationToken).ConfigureAwait(false);
        var plan = balancer.Plan(request.Options.TryGetValue(BalancingHttpOptions.Key, out var key) ? key : null);
        var idempotent = IsIdempotent(request.Method);
        if (request.Content is not null && idempotent && _options.MaxAttempts > 1 && plan.Remaining > 1)
        {
            // A retry sends the body again: read it once, so any content type can be resent. A
            // request that is not idempotent is retried only when it never left, body unread.
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!plan.TryNext(out var call))
        {
            throw new NoEndpointsException(balancer.Service, "the plan has no endpoint to try");
        }

        try
        {
            while (true)
            {
                HttpResponseMessage response;
                using var attemptLimit = _options.AttemptTimeout is { } limit ? new CancellationTokenSource(limit, _balancers.Time) : null;
                using var attemptToken = attemptLimit is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attemptLimit.Token);
                try
                {
                    request.RequestUri = Physical(logical, call.Endpoint);
                    response = await base.SendAsync(request, attemptToken?.Token ?? cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    call.Abandoned();
                    throw;
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    // A transport failure, or this attempt's own time limit: the endpoint's fault.
                    call.Failed();
                    var neverSent = NothingSent(e) || (e is OperationCanceledException { InnerException: TimeoutException } && attemptLimit?.IsCancellationRequested != true);
                    if (MayRetry(plan, idempotent || neverSent, out var next))
                    {
                        call = next;
                        continue;
                    }

                    if (e is OperationCanceledException && attemptLimit?.IsCancellationRequested == true)
                    {
                        // HttpClient's own shape for a timeout, so resilience handlers above see one.
                        throw new TaskCanceledException(
                            $"{balancer.Service}: {call.Endpoint.Address} did not answer within {_options.AttemptTimeout}",
                            new TimeoutException(e.Message, e));
                    }

                    throw;
                }
                catch
                {
                    call.Abandoned(); // not the endpoint's doing (a bad address, a handler above us)
                    throw;
                }

                bool failed;
                try
                {
                    failed = _options.IsFailure(response);
                }
                catch
                {
                    call.Abandoned();
                    response.Dispose();
                    throw;
                }

                if (!failed)
                {
                    call.Succeeded();
                    return response;
                }

                call.Failed();
                if (MayRetry(plan, idempotent, out var retry))
                {
                    response.Dispose();
                    call = retry;
                    continue;
                }

                // No retry (not safe, none left, or the budget is spent): the caller sees the real answer.
                return response;
            }
        }
        finally
        {
            request.RequestUri = logical;
        }
    }

    private bool MayRetry(AttemptPlan plan, bool safe, out ServiceCall next)
    {
        next = null!;
        return safe && plan.Attempts < _options.MaxAttempts && plan.TryNext(out next);
    }

    private static Uri Physical(Uri logical, ServiceEndpoint endpoint)
    {
        if (!EndpointAddress.TryParse(endpoint.Address, out var target))
        {
            throw new InvalidOperationException($"endpoint address '{endpoint.Address}' is neither an http(s) URL nor host:port");
        }

        // host:port keeps the scheme the caller wrote.
        var builder = new UriBuilder(logical) { Host = target.Host, Port = target.Port };
        if (target.Scheme is { } scheme)
        {
            builder.Scheme = scheme;
        }

        return builder.Uri;
    }

    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace
        || method == HttpMethod.Put || method == HttpMethod.Delete;

    // No connection means the request never left: safe to send anywhere else, whatever its method.
    // (SocketsHttpHandler's ConnectTimeout shows as a cancellation with an inner TimeoutException, checked above.)
    private static bool NothingSent(Exception e) =>
        e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError };
}
