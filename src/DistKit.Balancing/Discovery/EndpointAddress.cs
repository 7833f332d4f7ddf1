using System.Globalization;

namespace DistKit.Balancing.Discovery;

/// <summary>
/// An endpoint's address read once for everything that dials it (the HttpClient handler, the gRPC
/// resolver, the registry's checks): an http(s) URL, or <c>host:port</c>, or a bare host.
/// </summary>
/// <param name="Scheme"><c>http</c> or <c>https</c> for a URL; null for host:port, which takes the caller's scheme.</param>
/// <param name="Host">The host, without IPv6 brackets.</param>
/// <param name="Port">The port; -1 for a bare host (the scheme's default).</param>
internal readonly record struct EndpointAddress(string? Scheme, string Host, int Port)
{
    public static bool TryParse(string address, out EndpointAddress parsed)
    {
        parsed = default;
        if (address.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            {
                return false;
            }

            parsed = new EndpointAddress(uri.Scheme, uri.Host.Trim('[', ']'), uri.Port);
            return true;
        }

        var colon = address.LastIndexOf(':');
        var bracketed = address.StartsWith('[');
        var host = colon > 0 && (!bracketed || address[colon - 1] == ']') ? address[..colon] : address;
        var port = -1;
        if (host.Length != address.Length
            && !(int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535))
        {
            return false;
        }

        host = host.Trim('[', ']');
        if (host.Length == 0 || Uri.CheckHostName(host) == UriHostNameType.Unknown)
        {
            return false;
        }

        parsed = new EndpointAddress(null, host, port);
        return true;
    }
}
