using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace DistKit.Balancing.Discovery;

/// <summary>
/// Endpoints from a DNS name, resolved again every <see cref="Interval"/>: every address the name
/// has becomes <c>scheme://address:port</c>. A failed lookup keeps the last list; a new list is
/// given only when the addresses change.
/// </summary>
public sealed class DnsDiscovery : IServiceDiscovery
{
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly TimeProvider _time;

    /// <summary>Resolves <paramref name="host"/> for port <paramref name="port"/>.</summary>
    public DnsDiscovery(string host, int port, string scheme = "http", TimeSpan? interval = null, TimeProvider? time = null)
        : this(host, port, scheme, interval, time, Dns.GetHostAddressesAsync)
    {
    }

    internal DnsDiscovery(string host, int port, string scheme, TimeSpan? interval, TimeProvider? time, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentException.ThrowIfNullOrWhiteSpace(scheme);
        Host = host;
        Port = port;
        Scheme = scheme;
        Interval = interval ?? TimeSpan.FromSeconds(30);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero, nameof(interval));
        _time = time ?? TimeProvider.System;
        _resolve = resolve;
    }

    /// <summary>The name resolved.</summary>
    public string Host { get; }

    /// <summary>The port every address gets.</summary>
    public int Port { get; }

    /// <summary>The URL scheme every endpoint gets.</summary>
    public string Scheme { get; }

    /// <summary>How often the name is resolved again. Default 30 s.</summary>
    public TimeSpan Interval { get; }

    /// <inheritdoc />
    /// <remarks>The first lookup's failure is thrown; later ones keep the last list until a lookup succeeds.</remarks>
    public async IAsyncEnumerable<IReadOnlyList<ServiceEndpoint>> WatchAsync(string service, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IReadOnlyList<ServiceEndpoint>? last = null;
        while (true)
        {
            IReadOnlyList<ServiceEndpoint>? found = null;
            try
            {
                found = await ResolveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException) when (last is not null)
            {
                // Keep what we have: a resolver hiccup must not empty the service.
            }

            if (found is not null && (last is null || !found.SequenceEqual(last)))
            {
                last = found;
                yield return found;
            }

            await Task.Delay(Interval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<ServiceEndpoint>> ResolveAsync(CancellationToken cancellationToken)
    {
        var addresses = await _resolve(Host, cancellationToken).ConfigureAwait(false);
        return [.. addresses
            .Select(a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a)
            .Distinct()
            .Select(a => new ServiceEndpoint($"{Scheme}://{(a.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString())}:{Port}"))
            .OrderBy(e => e.Address, StringComparer.Ordinal)];
    }
}
