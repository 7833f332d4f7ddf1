namespace DistKit.Balancing.Retry;

/// <summary>
/// One call's order of attempts: every endpoint once, in a Fisher–Yates order, so a retry never
/// goes to an endpoint already tried while another is untried (the chapter's design, done right).
/// </summary>
public static class RetryPlan
{
    /// <summary>The order of attempts over <paramref name="endpoints"/>, written into <paramref name="order"/> (its length is the endpoint count).</summary>
    public static void Fill(EndpointSet endpoints, Span<int> order, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (order.Length != endpoints.Count)
        {
            throw new ArgumentException($"the order holds {order.Length} places for {endpoints.Count} endpoints", nameof(order));
        }

        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Shuffles.FisherYates(order, random ?? Random.Shared);
    }

    /// <summary>The order of attempts over <paramref name="endpoints"/>, as a new array.</summary>
    public static int[] Create(EndpointSet endpoints, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var order = new int[endpoints.Count];
        Fill(endpoints, order, random);
        return order;
    }
}
