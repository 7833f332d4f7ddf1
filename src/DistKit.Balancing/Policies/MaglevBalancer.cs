namespace DistKit.Balancing.Policies;

/// <summary>
/// Google's Maglev hashing: a lookup table of prime size M that every endpoint fills along its own
/// permutation, turn by turn, in proportion to its weight. A pick is one table read; each endpoint
/// holds its share of the table to within one slot, so with M above 100 endpoints per endpoint every
/// share is within 1% of its weight's; a membership change moves slightly more than 1/n of the keys.
/// </summary>
public sealed class MaglevBalancer : IKeyedLoadBalancer
{
    /// <summary>The default table size, a prime (Envoy's default too).</summary>
    public const int DefaultTableSize = 65537;

    private readonly int[] _table;
    private readonly Random _random;

    /// <summary>Fills a table of <paramref name="tableSize"/> slots (a prime at least the endpoint count) for <paramref name="endpoints"/>.</summary>
    public MaglevBalancer(EndpointSet endpoints, int tableSize = DefaultTableSize, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (tableSize < endpoints.Count || !IsPrime(tableSize))
        {
            throw new ArgumentException($"a Maglev table needs a prime size of at least the endpoint count ({endpoints.Count}); {tableSize} is not", nameof(tableSize));
        }

        Endpoints = endpoints;
        _random = random ?? Random.Shared;
        _table = Fill(endpoints, tableSize);
    }

    /// <inheritdoc />
    public EndpointSet Endpoints { get; }

    /// <summary>The table size.</summary>
    public int TableSize => _table.Length;

    /// <inheritdoc />
    public int PickIndex() => PickIndex(KeyedLoadBalancers.RandomHash(_random));

    /// <inheritdoc />
    public int PickIndex(ulong keyHash) => _table[(int)(keyHash % (uint)_table.Length)];

    /// <summary>Slots per endpoint, for checking the spread.</summary>
    internal int[] SlotCounts()
    {
        var counts = new int[Endpoints.Count];
        foreach (var owner in _table)
        {
            counts[owner]++;
        }

        return counts;
    }

    private static int[] Fill(EndpointSet endpoints, int size)
    {
        var n = endpoints.Count;
        var offset = new long[n];
        var skip = new long[n];
        var next = new long[n];
        var credit = new double[n];
        var share = new double[n];
        var heaviest = endpoints.Endpoints.Max(e => e.Weight);
        for (var i = 0; i < n; i++)
        {
            offset[i] = (long)(KeyHash.Seeded(endpoints[i].Address, 0) % (ulong)size);
            skip[i] = (long)(KeyHash.Seeded(endpoints[i].Address, 1) % (ulong)(size - 1)) + 1;
            share[i] = endpoints[i].Weight / (double)heaviest;
        }

        var table = new int[size];
        Array.Fill(table, -1);
        var filled = 0;
        while (true)
        {
            for (var i = 0; i < n; i++)
            {
                // A lighter endpoint takes a slot only on the turns its weight has paid for.
                credit[i] += share[i];
                if (credit[i] < 1)
                {
                    continue;
                }

                credit[i] -= 1;

                // Size is prime and skip below it, so the walk visits every slot: it finds a free one.
                var slot = (offset[i] + (next[i] * skip[i])) % size;
                while (table[slot] >= 0)
                {
                    next[i]++;
                    slot = (offset[i] + (next[i] * skip[i])) % size;
                }

                table[slot] = i;
                next[i]++;
                if (++filled == size)
                {
                    return table;
                }
            }
        }
    }

    internal static bool IsPrime(int value)
    {
        if (value < 2)
        {
            return false;
        }

        for (var d = 2; (long)d * d <= value; d++)
        {
            if (value % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
