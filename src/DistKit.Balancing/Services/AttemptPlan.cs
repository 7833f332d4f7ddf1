using DistKit.Balancing.Retry;

namespace DistKit.Balancing.Services;

/// <summary>
/// One call's attempts: the policy's pick first, then the other endpoints in use in a Fisher–Yates
/// order, so a retry never goes back to an endpoint while another is untried. Retries draw on the
/// service's retry budget. Not thread-safe: one plan per call.
/// </summary>
public sealed class AttemptPlan
{
    private readonly ServiceBalancer _owner;
    private readonly ServiceBalancer.Snapshot _snapshot;
    private readonly ulong? _keyHash;
    private int[]? _order;
    private int _first = -1;
    private int _next;

    internal AttemptPlan(ServiceBalancer owner, ServiceBalancer.Snapshot snapshot, ulong? keyHash)
    {
        _owner = owner;
        _snapshot = snapshot;
        _keyHash = keyHash;
    }

    /// <summary>Attempts handed out so far.</summary>
    public int Attempts { get; private set; }

    /// <summary>Endpoints in use not yet tried.</summary>
    public int Remaining => _snapshot.Active.Length - Attempts;

    /// <summary>True when too few endpoints were healthy and the plan uses them all (panic mode).</summary>
    public bool Panic => _snapshot.Panic;

    /// <summary>
    /// Starts the next attempt: false when every endpoint in use has been tried, or when this would
    /// be a retry and the retry budget is spent. End the call it gives with
    /// <see cref="ServiceCall.Succeeded"/> or <see cref="ServiceCall.Failed"/>.
    /// </summary>
    public bool TryNext(out ServiceCall call)
    {
        call = null!;
        if (Attempts > 0)
        {
            if (_next >= OrderOf().Length)
            {
                return false;
            }

            if (_owner.Budget is { } budget && !budget.TryWithdraw())
            {
                _owner.Telemetry.RetryRefused(_owner.Service);
                return false;
            }

            _owner.Telemetry.Retried(_owner.Service);
        }

        var index = Attempts == 0 ? First() : OrderOf()[_next++];
        Attempts++;
        var endpoint = _snapshot.Active[index];
        _owner.Telemetry.Picked(_owner.Service, endpoint.Endpoint.Address);
        call = new ServiceCall(_owner, endpoint);
        return true;
    }

    private int First()
    {
        var policy = _snapshot.Policy!;
        if (_keyHash is { } hash && policy is IKeyedLoadBalancer keyed)
        {
            return _first = keyed.PickIndex(hash); // a key stays on its endpoint: no slow-start detour
        }

        var picked = policy.PickIndex();
        _first = picked;
        if (_snapshot.Active.Length == 1 || !SlowStartRefuses(_snapshot.Active[picked]))
        {
            return picked;
        }

        // Refused for now: the others first, the slow starter last.
        var others = ShuffledExcept(picked);
        _first = others[0];
        _order = [.. others.AsSpan(1), picked];
        return _first;
    }

    private bool SlowStartRefuses(TrackedEndpoint endpoint)
    {
        var from = endpoint.SlowStartFrom;
        var window = _owner.Health.SlowStart;
        if (from == 0 || window <= TimeSpan.Zero)
        {
            return false;
        }

        var elapsed = _owner.Time.GetElapsedTime(from);
        if (elapsed >= window)
        {
            return false;
        }

        var initial = _owner.Health.SlowStartInitialShare;
        var share = initial + ((1 - initial) * (elapsed / window));
        return Random.Shared.NextDouble() >= share;
    }

    private int[] OrderOf() => _order ??= ShuffledExcept(_first);

    private int[] ShuffledExcept(int excluded)
    {
        var order = new int[_snapshot.Active.Length - 1];
        var at = 0;
        for (var i = 0; i < _snapshot.Active.Length; i++)
        {
            if (i != excluded)
            {
                order[at++] = i;
            }
        }

        Shuffles.FisherYates(order, Random.Shared);
        return order;
    }
}
