namespace DistKit.Balancing.Retry;

/// <summary>Orders of endpoints for one call's attempts.</summary>
public static class Shuffles
{
    /// <summary>
    /// Fisher–Yates (Durstenfeld): from the last place down, swap it with a place drawn from those
    /// not yet fixed, itself included. Every order equally likely.
    /// </summary>
    public static void FisherYates(Span<int> order, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    /// <summary>
    /// The naive shuffle the validation compares against: n swaps of two places drawn
    /// independently. Not every order is equally likely — DistKit uses it only to measure that.
    /// </summary>
    public static void NaiveSwap(Span<int> order, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (var k = 0; k < order.Length; k++)
        {
            var i = random.Next(order.Length);
            var j = random.Next(order.Length);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
