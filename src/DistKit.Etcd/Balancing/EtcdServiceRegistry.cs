using System.Runtime.CompilerServices;
using System.Text.Json;
using DistKit.Balancing;
using DistKit.Balancing.Discovery;
using DistKit.Core.Leases;
using DistKit.Etcd.Internal;
using DistKit.Etcd.Leases;
using Etcdserverpb;
using Google.Protobuf;

namespace DistKit.Etcd.Balancing;

/// <summary>
/// A service registry on etcd. Each registration is a lease of the lease primitive (its name is the
/// service and a random instance id, so a restarted instance never waits for its old self to
/// expire) plus a key under <c>distkit/services/{service}/</c> that holds the endpoint and is bound
/// to the same etcd lease: when the process dies, etcd deletes both at the end of the TTL and every
/// watcher sees the endpoint go. Watchers read the prefix once, then follow it from that revision.
/// </summary>
public sealed class EtcdServiceRegistry : IServiceRegistry
{
    private readonly EtcdLeaseStore _leases;
    private readonly string _prefix;

    /// <summary>A registry over the connection of <paramref name="leases"/>.</summary>
    public EtcdServiceRegistry(EtcdLeaseStore leases, string keyPrefix = "distkit/services/")
    {
        ArgumentNullException.ThrowIfNull(leases);
        _leases = leases;
        _prefix = keyPrefix;
    }

    /// <inheritdoc />
    public string Engine => "etcd";

    /// <summary>The key prefix of <paramref name="service"/>'s registrations.</summary>
    public string PrefixOf(string service) => $"{_prefix}{service}/";

    /// <inheritdoc />
    public async Task<ServiceRegistration> RegisterAsync(string service, ServiceEndpoint endpoint, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ServiceNames.ThrowIfInvalid(service);
        ArgumentNullException.ThrowIfNull(endpoint);
        _ = new EndpointSet([endpoint]);
        // No clock-drift padding: nobody takes a registration over, so nothing needs the margin,
        // and a dead instance should leave the list at its TTL, not later.
        var options = new LeaseOptions { Ttl = ttl, ClockDrift = TimeSpan.Zero }.Validate();
        var registration = new EtcdServiceRegistration(this, ServiceNames.Normalize(service), endpoint, options);
        await registration.RegisterOnceAsync(cancellationToken).ConfigureAwait(false);
        registration.KeepRegistered();
        return registration;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ServiceEndpoint>> ListAsync(string service, CancellationToken cancellationToken = default)
    {
        ServiceNames.ThrowIfInvalid(service);
        service = ServiceNames.Normalize(service);
        var (endpoints, _) = await ReadAsync(service, cancellationToken).ConfigureAwait(false);
        return ListOf(endpoints);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<IReadOnlyList<ServiceEndpoint>> WatchAsync(string service, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ServiceNames.ThrowIfInvalid(service);
        service = ServiceNames.Normalize(service);
        var (endpoints, revision) = await ReadAsync(service, cancellationToken).ConfigureAwait(false);
        yield return ListOf(endpoints);

        var prefix = ByteString.CopyFromUtf8(PrefixOf(service));
        // hasleader: a member cut off from its leader ends the watch instead of going quiet.
        using var call = _leases.WatchClient.Watch(new Grpc.Core.Metadata { { "hasleader", "true" } }, cancellationToken: cancellationToken);
        var created = false;
        while (true)
        {
            WatchResponse response;
            try
            {
                if (!created)
                {
                    await call.RequestStream.WriteAsync(new WatchRequest
                    {
                        CreateRequest = new WatchCreateRequest { Key = prefix, RangeEnd = RangeEndOf(prefix), StartRevision = revision + 1 },
                    }, cancellationToken).ConfigureAwait(false);
                    created = true;
                }

                if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    throw new IOException("etcd closed the watch");
                }

                response = call.ResponseStream.Current;
            }
            catch (Exception e) when (cancellationToken.IsCancellationRequested && e is not OperationCanceledException)
            {
                // Cancelling aborts the HTTP/2 stream, which gRPC may report as Unavailable: the
                // caller stopped the watch, etcd did not fail.
                throw new OperationCanceledException("the watch was stopped", e, cancellationToken);
            }
            catch (Exception e) when (EtcdErrors.IsOutage(e, cancellationToken))
            {
                throw EtcdErrors.Unavailable(e);
            }

            if (response.Canceled || response.CompactRevision > 0)
            {
                // Compacted past where we were: the caller reads the prefix again.
                throw new IOException($"etcd cancelled the watch of {PrefixOf(service)} ({response.CancelReason})");
            }

            if (response.Events.Count == 0)
            {
                continue;
            }

            foreach (var change in response.Events)
            {
                var key = change.Kv.Key.ToStringUtf8();
                if (change.Type == Mvccpb.Event.Types.EventType.Delete)
                {
                    endpoints.Remove(key);
                }
                else if (EndpointOf(change.Kv.Value) is { } endpoint)
                {
                    endpoints[key] = (endpoint, change.Kv.CreateRevision);
                }
                else
                {
                    endpoints.Remove(key); // overwritten with something unreadable: not an endpoint any more
                }
            }

            yield return ListOf(endpoints);
        }
    }

    internal EtcdLeaseStore Leases => _leases;

    internal ByteString KeyOf(string service, string instance) => ByteString.CopyFromUtf8($"{PrefixOf(service)}{instance}");

    internal static ByteString ValueOf(ServiceEndpoint endpoint) => ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(
        new EtcdServiceRecord(endpoint.Address, endpoint.Weight, endpoint.Metadata.Count == 0 ? null : new Dictionary<string, string>(endpoint.Metadata)),
        EtcdServiceJsonContext.Default.EtcdServiceRecord));

    private async Task<(Dictionary<string, (ServiceEndpoint Endpoint, long Created)> Endpoints, long Revision)> ReadAsync(string service, CancellationToken cancellationToken)
    {
        var prefix = ByteString.CopyFromUtf8(PrefixOf(service));
        RangeResponse range;
        try
        {
            range = await _leases.Client.GetAsync(new RangeRequest { Key = prefix, RangeEnd = RangeEndOf(prefix) }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (EtcdErrors.IsOutage(e, cancellationToken))
        {
            throw EtcdErrors.Unavailable(e);
        }

        var endpoints = new Dictionary<string, (ServiceEndpoint, long)>(StringComparer.Ordinal);
        foreach (var kv in range.Kvs)
        {
            if (EndpointOf(kv.Value) is { } endpoint)
            {
                endpoints[kv.Key.ToStringUtf8()] = (endpoint, kv.CreateRevision);
            }
        }

        return (endpoints, range.Header.Revision);
    }

    // Two instances of one address (a restart before the old lease ran out) show once: the newer.
    private static IReadOnlyList<ServiceEndpoint> ListOf(Dictionary<string, (ServiceEndpoint Endpoint, long Created)> endpoints) =>
        [.. endpoints.Values
            .GroupBy(e => e.Endpoint.Address, StringComparer.Ordinal)
            .Select(g => g.MaxBy(e => e.Created).Endpoint)
            .OrderBy(e => e.Address, StringComparer.Ordinal)];

    // A key written by something else, or damaged, is skipped rather than failing the whole service.
    private static ServiceEndpoint? EndpointOf(ByteString value)
    {
        try
        {
            var record = JsonSerializer.Deserialize(value.Span, EtcdServiceJsonContext.Default.EtcdServiceRecord);
            if (record is null || string.IsNullOrWhiteSpace(record.Address) || record.Weight is < 1 or > EndpointSet.MaxWeight)
            {
                return null;
            }

            return new ServiceEndpoint(record.Address, record.Weight) { Metadata = record.Metadata ?? [] };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static ByteString RangeEndOf(ByteString prefix)
    {
        var end = prefix.ToByteArray();
        end[^1]++;
        return ByteString.CopyFrom(end);
    }
}
