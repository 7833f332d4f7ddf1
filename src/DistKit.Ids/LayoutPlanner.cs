namespace DistKit.Ids;

/// <summary>Proposes a layout for a fleet: how many nodes, how many ids per second per node, for how many years.</summary>
public static class LayoutPlanner
{
    private static readonly TimeSpan[] Units =
        [TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)];

    /// <summary>
    /// The layout with the finest time unit that fits <paramref name="nodes"/> nodes at
    /// <paramref name="idsPerSecondPerNode"/> for <paramref name="years"/> years from
    /// <paramref name="epoch"/>; spare bits go to the time field (a longer life).
    /// </summary>
    /// <param name="nodes">Nodes that issue ids at once, 1 to 2^22.</param>
    /// <param name="idsPerSecondPerNode">Peak ids per second one node must issue, at least 1.</param>
    /// <param name="years">Years the layout must last, 1 to 1,000.</param>
    /// <param name="jsSafe">Keep every id below 2^53, the largest integer JavaScript holds exactly.</param>
    /// <param name="epoch">Time zero; the start of the current year when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">No layout fits; the message says which demand to lower.</exception>
    public static IdLayout Propose(long nodes, double idsPerSecondPerNode, int years, bool jsSafe, DateTimeOffset epoch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodes, 1L << 22);
        ArgumentOutOfRangeException.ThrowIfLessThan(idsPerSecondPerNode, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(years, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(years, 1000);

        var budget = jsSafe ? 53 : 63;
        var nodeBits = BitsFor(nodes);
        var life = TimeSpan.FromDays(365.25 * years);
        foreach (var unit in Units)
        {
            var perUnit = Math.Ceiling(idsPerSecondPerNode * unit.TotalSeconds);
            var sequenceBits = Math.Max(1, BitsFor((long)perUnit));
            var timeBits = BitsFor((long)Math.Ceiling(life / unit));
            var spare = budget - nodeBits - sequenceBits - timeBits;
            if (sequenceBits <= 22 && timeBits <= 50 && spare >= 0)
            {
                timeBits = Math.Min(Math.Min(50, IdLayout.MaxTimeBits(epoch, unit)), timeBits + spare);
                return new IdLayout("custom", epoch, unit, timeBits, datacenterBits: 0, workerBits: nodeBits, sequenceBits);
            }
        }

        throw new ArgumentOutOfRangeException(
            nameof(nodes),
            $"{nodes} nodes × {idsPerSecondPerNode:N0} ids/s for {years} years does not fit in {budget} bits; lower one of them{(jsSafe ? " or drop --js-safe" : "")}");
    }

    // Bits needed to number `count` distinct values (0 .. count-1).
    private static int BitsFor(long count) => count <= 1 ? 0 : 64 - (int)long.LeadingZeroCount(count - 1);
}
