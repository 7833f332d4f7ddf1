using DistKit.Balancing.Diagnostics;
using DistKit.Balancing.Health;
using DistKit.Balancing.Policies;

namespace DistKit.Balancing.Services;

/// <summary>
/// One service's balancing: the endpoints discovery gives, the policy over those healthy, passive
/// health from the calls made, and a plan of attempts per call. Picks read an immutable snapshot
/// (no lock); the snapshot is rebuilt when discovery sends a new list, when an endpoint is ejected,
/// and, on the next call after it, when an ejection or a slow start ends — every rebuild makes a
/// new policy instance, so a round robin starts from a new random place on every update.
/// </summary>
public sealed class ServiceBalancer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TrackedEndpoint> _tracked = new(StringComparer.Ordinal);
    private readonly ServiceBalancingOptions _options;
    private readonly TimeProvider _time;
    private readonly BalancingTelemetry _telemetry;
    private List<TrackedEndpoint> _members = [];
    private Snapshot _snapshot = Snapshot.Empty;
    private bool _updated;

    /// <summary>A balancer for <paramref name="service"/> with no endpoints until <see cref="Update"/>.</summary>
    public ServiceBalancer(string service, ServiceBalancingOptions? options = null, TimeProvider? time = null, BalancingTelemetry? telemetry = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        Service = service;
        _options = options ?? new ServiceBalancingOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _telemetry = telemetry ?? new BalancingTelemetry();
        Budget = _options.RetryBudget is { } budget ? new RetryBudget(budget, _time) : null;
    }

    /// <summary>The service's name.</summary>
    public string Service { get; }

    /// <summary>The policy's name.</summary>
    public string Policy => _options.Policy;

    /// <summary>The retry budget, when one is set.</summary>
    public RetryBudget? Budget { get; }

    /// <summary>True when the last list from discovery held at least one endpoint.</summary>
    public bool HasEndpoints => Volatile.Read(ref _snapshot).Members > 0;

    internal BalancingTelemetry Telemetry => _telemetry;

    internal TimeProvider Time => _time;

    internal HealthOptions Health => _options.Health;

    /// <summary>
    /// Replaces the endpoint list with <paramref name="endpoints"/> (from discovery). Addresses kept
    /// keep their load and health; new ones slow-start when slow start is on (not those of the first list).
    /// </summary>
    /// <exception cref="ArgumentException">Two endpoints share an address, or a weight is out of range.</exception>
    public void Update(IEnumerable<ServiceEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var list = endpoints.ToList();
        if (list.Count > 0)
        {
            _ = new EndpointSet(list); // the same checks every set gets, before anything changes
        }

        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var members = new List<TrackedEndpoint>(list.Count);
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var endpoint in list)
            {
                kept.Add(endpoint.Address);
                if (_tracked.TryGetValue(endpoint.Address, out var known))
                {
                    known.Endpoint = endpoint;
                }
                else
                {
                    known = new TrackedEndpoint(endpoint, new EndpointLoad(_time));
                    if (_updated && _options.Health.SlowStart > TimeSpan.Zero)
                    {
                        known.SlowStartFrom = now;
                    }

                    _tracked[endpoint.Address] = known;
                }

                members.Add(known);
            }

            foreach (var gone in _tracked.Keys.Where(a => !kept.Contains(a)).ToList())
            {
                _tracked[gone].Removed = true;
                _tracked.Remove(gone);
            }

            _members = members;
            _updated = true;
            Rebuild(now);
        }

        _telemetry.Updated(Service, list.Count);
    }

    /// <summary>A plan of attempts for one call, keyed by <paramref name="key"/> when the policy is keyed.</summary>
    /// <exception cref="NoEndpointsException">There is no endpoint to call.</exception>
    public AttemptPlan Plan(string? key = null) => Plan(key is null ? null : KeyHash.Of(key));

    /// <summary>A plan of attempts for one call, for the key hash <paramref name="keyHash"/> (see <see cref="KeyHash"/>).</summary>
    /// <exception cref="NoEndpointsException">There is no endpoint to call.</exception>
    public AttemptPlan Plan(ulong? keyHash)
    {
        var snapshot = Current();
        if (snapshot.Policy is null)
        {
            throw new NoEndpointsException(Service, snapshot.Members == 0 ? (_updated ? "discovery lists none" : "discovery has not answered yet") : "every endpoint is ejected");
        }

        Budget?.Deposit();
        return new AttemptPlan(this, snapshot, keyHash);
    }

    /// <summary>Each endpoint as the balancer sees it now.</summary>
    public IReadOnlyList<EndpointStatus> Status()
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            return [.. _members.Select(m => new EndpointStatus(
                m.Endpoint,
                m.EjectedUntil > now ? _time.GetUtcNow() + _time.GetElapsedTime(now, m.EjectedUntil) : null,
                m.Load.Outstanding,
                m.Load.Latency,
                Volatile.Read(ref m.ConsecutiveFailures)))];
        }
    }

    /// <summary>The snapshot, rebuilt first when an ejection or a slow start has ended since it was made.</summary>
    internal Snapshot Current()
    {
        var snapshot = Volatile.Read(ref _snapshot);
        var now = _time.GetTimestamp();
        if (now < snapshot.NextChangeAt)
        {
            return snapshot;
        }

        lock (_gate)
        {
            if (now >= _snapshot.NextChangeAt)
            {
                Rebuild(now);
            }

            return _snapshot;
        }
    }

    /// <summary>Counts a failure of <paramref name="endpoint"/>; ejects it when that makes enough in a row.</summary>
    internal void Failed(TrackedEndpoint endpoint)
    {
        _telemetry.Failed(Service, endpoint.Endpoint.Address);
        var threshold = _options.Health.ConsecutiveFailures;
        if (threshold == 0 || Interlocked.Increment(ref endpoint.ConsecutiveFailures) < threshold)
        {
            return;
        }

        TimeSpan length;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (endpoint.Removed || endpoint.EjectedUntil > now || Volatile.Read(ref endpoint.ConsecutiveFailures) < threshold)
            {
                return;
            }

            var ejected = _members.Count(m => m.EjectedUntil > now);
            var allowed = Math.Max(1, (int)Math.Floor(_options.Health.MaxEjectedShare * _members.Count));
            if (ejected >= allowed)
            {
                return;
            }

            // The multiplier drops by one for every base ejection the endpoint stayed healthy.
            var health = _options.Health;
            var healthySince = endpoint.LastEjectionEnd == 0 ? 0 : _time.GetElapsedTime(endpoint.LastEjectionEnd, now) / health.BaseEjection;
            endpoint.Ejections = Math.Max(0, endpoint.Ejections - (int)healthySince) + 1;
            length = health.BaseEjection * endpoint.Ejections;
            if (length > health.MaxEjection)
            {
                length = health.MaxEjection;
            }

            endpoint.EjectedUntil = now + (long)(length.TotalSeconds * _time.TimestampFrequency);
            Volatile.Write(ref endpoint.ConsecutiveFailures, 0);
            Rebuild(now);
        }

        _telemetry.Ejected(Service, endpoint.Endpoint.Address, length);
    }

    internal static void Succeeded(TrackedEndpoint endpoint) => Volatile.Write(ref endpoint.ConsecutiveFailures, 0);

    // Called with _gate held.
    private void Rebuild(long now)
    {
        var health = _options.Health;
        var nextChange = long.MaxValue;
        var healthy = new List<TrackedEndpoint>(_members.Count);
        foreach (var member in _members)
        {
            if (member.EjectedUntil > now)
            {
                nextChange = Math.Min(nextChange, member.EjectedUntil);
                continue;
            }

            if (member.EjectedUntil != 0)
            {
                // Back from ejection: a clean count, and a slow start when slow start is on.
                member.LastEjectionEnd = member.EjectedUntil;
                member.EjectedUntil = 0;
                Volatile.Write(ref member.ConsecutiveFailures, 0);
                if (health.SlowStart > TimeSpan.Zero)
                {
                    member.SlowStartFrom = now;
                }
            }

            if (member.SlowStartFrom != 0)
            {
                var ends = member.SlowStartFrom + (long)(health.SlowStart.TotalSeconds * _time.TimestampFrequency);
                if (ends <= now)
                {
                    member.SlowStartFrom = 0;
                }
                else
                {
                    nextChange = Math.Min(nextChange, ends);
                }
            }

            healthy.Add(member);
        }

        var panic = _members.Count > 0 && healthy.Count < health.PanicThreshold * _members.Count;
        var active = panic ? _members : healthy;

        // Keyed tables depend on the order of their endpoints: in address order every process
        // builds the same one, whatever order its settings list them in. Jump's buckets are the
        // order given (numbered shards), so it keeps it.
        if (_options.Policy != BalancingPolicies.Jump)
        {
            active = [.. active.OrderBy(m => m.Endpoint.Address, StringComparer.Ordinal)];
        }
        if (panic && !_snapshot.Panic)
        {
            BalancingLog.Panic(_telemetry.Logger, Service, healthy.Count, _members.Count);
        }

        ILoadBalancer? policy = null;
        if (active.Count > 0)
        {
            var set = new EndpointSet(active.Select(m => m.Endpoint));
            policy = BalancingPolicies.Create(_options.Policy, set, _options.PolicySettings, [.. active.Select(m => m.Load)]);
        }

        Volatile.Write(ref _snapshot, new Snapshot([.. active], policy, panic, nextChange, _members.Count));
    }

    /// <summary>What picks read: the endpoints in use, the policy over them, and when to look again.</summary>
    internal sealed class Snapshot(TrackedEndpoint[] active, ILoadBalancer? policy, bool panic, long nextChangeAt, int members)
    {
        public static readonly Snapshot Empty = new([], null, false, long.MaxValue, 0);

        public TrackedEndpoint[] Active { get; } = active;

        public ILoadBalancer? Policy { get; } = policy;

        public bool Panic { get; } = panic;

        public long NextChangeAt { get; } = nextChangeAt;

        public int Members { get; } = members;
    }
}

/// <summary>One endpoint as a service balancer sees it.</summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="EjectedUntil">When its ejection ends; null when it is not ejected.</param>
/// <param name="Outstanding">Calls in flight.</param>
/// <param name="Latency">The peak-EWMA latency, decayed to now.</param>
/// <param name="ConsecutiveFailures">Failures since its last success.</param>
public sealed record EndpointStatus(ServiceEndpoint Endpoint, DateTimeOffset? EjectedUntil, int Outstanding, TimeSpan Latency, int ConsecutiveFailures);
