using System.IO.Hashing;
using System.Text;

namespace DistKit.Balancing;

/// <summary>
/// A balancer that sends the same key to the same endpoint while the set is unchanged, and moves
/// few keys when it changes: for caches and sessions that live on one instance. Without a key it
/// picks as if for a random one.
/// </summary>
public interface IKeyedLoadBalancer : ILoadBalancer
{
    /// <summary>The index of the endpoint for the key whose 64-bit hash is <paramref name="keyHash"/> (see <see cref="KeyHash"/>).</summary>
    int PickIndex(ulong keyHash);
}

/// <summary>The 64-bit key hash keyed balancers take: xxHash64 of the key's UTF-8 bytes, the same in every process and version.</summary>
public static class KeyHash
{
    private const int StackLimit = 512;

    /// <summary>The hash of <paramref name="key"/>.</summary>
    public static ulong Of(ReadOnlySpan<char> key)
    {
        var length = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (length <= StackLimit)
        {
            Span<byte> bytes = stackalloc byte[length];
            return XxHash64.HashToUInt64(bytes[..Encoding.UTF8.GetBytes(key, bytes)]);
        }

        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key.ToArray()));
    }

    /// <summary>The hash of the bytes <paramref name="key"/>.</summary>
    public static ulong Of(ReadOnlySpan<byte> key) => XxHash64.HashToUInt64(key);

    /// <summary>A hash of <paramref name="text"/> under <paramref name="seed"/>, for placing endpoints.</summary>
    internal static ulong Seeded(string text, long seed) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text), seed);

    /// <summary>A uniformly spread 64-bit value from two (splitmix64's finalizer over their xor).</summary>
    internal static ulong Mix(ulong a, ulong b)
    {
        var z = a ^ b;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Conveniences over <see cref="IKeyedLoadBalancer"/>.</summary>
public static class KeyedLoadBalancers
{
    /// <summary>The index of the endpoint for <paramref name="key"/>.</summary>
    public static int PickIndex(this IKeyedLoadBalancer balancer, string key)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        ArgumentNullException.ThrowIfNull(key);
        return balancer.PickIndex(KeyHash.Of(key));
    }

    /// <summary>The endpoint for <paramref name="key"/>.</summary>
    public static ServiceEndpoint Pick(this IKeyedLoadBalancer balancer, string key)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        return balancer.Endpoints[balancer.PickIndex(key)];
    }

    /// <summary>The endpoint for the key whose hash is <paramref name="keyHash"/>.</summary>
    public static ServiceEndpoint Pick(this IKeyedLoadBalancer balancer, ulong keyHash)
    {
        ArgumentNullException.ThrowIfNull(balancer);
        return balancer.Endpoints[balancer.PickIndex(keyHash)];
    }

    /// <summary>A key hash drawn at random, for a keyed balancer asked to pick without a key.</summary>
    internal static ulong RandomHash(Random random) => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63);
}
