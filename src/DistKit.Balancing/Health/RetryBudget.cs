namespace DistKit.Balancing.Health;

/// <summary>
/// Finagle's retry budget: each call deposits <see cref="RetryBudgetOptions.Ratio"/> of a retry,
/// each retry withdraws one, and a small reserve refills by the second so a quiet service can
/// still retry. When a service fails hard, retries stay a bounded share of calls instead of
/// multiplying the load on it.
/// </summary>
public sealed class RetryBudget
{
    private readonly Lock _gate = new();
    private readonly RetryBudgetOptions _options;
    private readonly TimeProvider _time;
    private readonly double _cap;
    private double _deposits;
    private double _reserve;
    private long _refilledAt;

    /// <summary>A budget by <paramref name="options"/>, timed by <paramref name="time"/>.</summary>
    public RetryBudget(RetryBudgetOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;

        // Bounded so a long quiet spell does not bank a burst of retries.
        _cap = Math.Max(1, options.Ratio * 1000);
        _reserve = options.MinPerSecond;
        _refilledAt = _time.GetTimestamp();
    }

    /// <summary>Counts a call (not a retry).</summary>
    public void Deposit()
    {
        lock (_gate)
        {
            _deposits = Math.Min(_cap, _deposits + _options.Ratio);
        }
    }

    /// <summary>Withdraws one retry; false when the budget is spent.</summary>
    public bool TryWithdraw()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            // Capped at one at least, so a rate below one a second still allows a retry now and then.
            _reserve = Math.Min(Math.Max(1, _options.MinPerSecond), _reserve + (_options.MinPerSecond * (now - _refilledAt) / _time.TimestampFrequency));
            _refilledAt = now;
            if (_deposits >= 1)
            {
                _deposits -= 1;
                return true;
            }

            if (_reserve >= 1)
            {
                _reserve -= 1;
                return true;
            }

            return false;
        }
    }
}

/// <summary>The retry budget's settings.</summary>
public sealed class RetryBudgetOptions
{
    /// <summary>Retries allowed per call made, over time. Default 0.2 (Finagle's).</summary>
    public double Ratio { get; set; } = 0.2;

    /// <summary>Retries allowed per second whatever the calls. Default 10.</summary>
    public double MinPerSecond { get; set; } = 10;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Ratio is < 0 or > 10 || double.IsNaN(Ratio))
        {
            throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio, "must be 0 to 10 retries per call");
        }

        if (MinPerSecond is < 0 or > 1_000_000 || double.IsNaN(MinPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(MinPerSecond), MinPerSecond, "must be 0 to 1,000,000 per second");
        }
    }
}
