namespace DistKit.Core.Leases;

/// <summary>How long a lease lasts and how it is kept. Immutable; validated by <see cref="Validate"/>.</summary>
public sealed record LeaseOptions
{
    /// <summary>15 s leases, renewed every 5 s, 500 ms drift allowance, system clock.</summary>
    public static LeaseOptions Default { get; } = new();

    /// <summary>
    /// How long the holder may count on the lease after each successful acquire or renewal,
    /// measured from when the request was sent. 1 s to 1 h. Default: 15 s.
    /// </summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Extra time the engine keeps the lease beyond <see cref="Ttl"/> before anyone else may take it,
    /// covering clock-rate differences between holder and engine. 0 to 1 min. Default: 500 ms.
    /// </summary>
    public TimeSpan ClockDrift { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the holder renews, between 1/10 and 1/2 of <see cref="Ttl"/>. Default: a third of <see cref="Ttl"/>.</summary>
    public TimeSpan? RenewEvery { get; init; }

    /// <summary>The clock for renewal timing and validity. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The renewal period in effect.</summary>
    public TimeSpan RenewPeriod => RenewEvery ?? Ttl / 3;

    /// <summary>How long the engine keeps the lease without renewal: <see cref="Ttl"/> plus <see cref="ClockDrift"/>.</summary>
    public TimeSpan EngineTtl => Ttl + ClockDrift;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of range.</summary>
    public LeaseOptions Validate()
    {
        if (Ttl < TimeSpan.FromSeconds(1) || Ttl > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Ttl), Ttl, "Ttl must be 1 s to 1 h.");
        }

        if (ClockDrift < TimeSpan.Zero || ClockDrift > TimeSpan.FromMinutes(1))
        {
            throw new ArgumentOutOfRangeException(nameof(ClockDrift), ClockDrift, "ClockDrift must be 0 to 1 min.");
        }

        if (RenewPeriod < Ttl / 10 || RenewPeriod > Ttl / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(RenewEvery), RenewEvery, "RenewEvery must be between a tenth and a half of Ttl.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        return this;
    }
}
