namespace DistKit.Balancing.Health;

/// <summary>How a service balancer judges its endpoints from the calls it makes (passive health, Envoy's outlier detection).</summary>
public sealed class HealthOptions
{
    /// <summary>Failures in a row that eject an endpoint. Default 5; 0 turns ejection off.</summary>
    public int ConsecutiveFailures { get; set; } = 5;

    /// <summary>The first ejection's length; the k-th in a row lasts k times this, up to <see cref="MaxEjection"/>. Default 30 s.</summary>
    public TimeSpan BaseEjection { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest an ejection lasts. Default 5 min.</summary>
    public TimeSpan MaxEjection { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The largest share of a service's endpoints ejected at once (one is always allowed). Default 0.5.</summary>
    public double MaxEjectedShare { get; set; } = 0.5;

    /// <summary>Below this share of healthy endpoints the balancer panics and uses them all: an overloaded service beats none. Default 0.5.</summary>
    public double PanicThreshold { get; set; } = 0.5;

    /// <summary>How long a new or returning endpoint takes to get its full share. Default zero: off.</summary>
    public TimeSpan SlowStart { get; set; } = TimeSpan.Zero;

    /// <summary>The share a slow-starting endpoint is given at once. Default 0.1.</summary>
    public double SlowStartInitialShare { get; set; } = 0.1;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ConsecutiveFailures, nameof(ConsecutiveFailures));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BaseEjection, TimeSpan.Zero, nameof(BaseEjection));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEjection, BaseEjection, nameof(MaxEjection));
        ThrowUnlessShare(MaxEjectedShare, nameof(MaxEjectedShare));
        ThrowUnlessShare(PanicThreshold, nameof(PanicThreshold));
        ArgumentOutOfRangeException.ThrowIfNegative(SlowStart.Ticks, nameof(SlowStart));
        ThrowUnlessShare(SlowStartInitialShare, nameof(SlowStartInitialShare));
    }

    private static void ThrowUnlessShare(double value, string name)
    {
        if (value is < 0 or > 1 || double.IsNaN(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be a share from 0 to 1");
        }
    }
}
