namespace DistKit.Balancing.Policies;

/// <summary>The power of two choices' draw: two distinct indices below n, every pair equally likely.</summary>
internal static class TwoChoices
{
    public static (int A, int B) Draw(Random random, int n)
    {
        var a = random.Next(n);
        var b = random.Next(n - 1);
        if (b >= a)
        {
            b++;
        }

        return (a, b);
    }
}
