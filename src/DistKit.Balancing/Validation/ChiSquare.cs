namespace DistKit.Balancing.Validation;

/// <summary>Pearson's chi-square test of counts against a uniform expectation.</summary>
public static class ChiSquare
{
    /// <summary>The statistic Σ (observed − expected)² / expected, with every cell expecting the mean.</summary>
    public static double Statistic(IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var expected = counts.Sum() / (double)counts.Count;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    /// <summary>The chance of a statistic this large or larger from uniform counts: Q(k/2, x/2) for k = cells − 1.</summary>
    public static double PValue(IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return UpperRegularizedGamma((counts.Count - 1) / 2.0, Statistic(counts) / 2);
    }

    // Q(a, x) = Γ(a, x) / Γ(a): by the series of P for x < a + 1, else by the continued fraction
    // of Q (Lentz's method); both converge fast on their side.
    internal static double UpperRegularizedGamma(double a, double x)
    {
        if (x <= 0)
        {
            return 1;
        }

        var logPrefix = (a * Math.Log(x)) - x - LogGamma(a);
        if (x < a + 1)
        {
            double sum = 1 / a, term = sum;
            for (var n = 1; n < 10_000 && Math.Abs(term) > Math.Abs(sum) * 1e-15; n++)
            {
                term *= x / (a + n);
                sum += term;
            }

            return Math.Clamp(1 - (sum * Math.Exp(logPrefix)), 0, 1);
        }

        const double Tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / Tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 10_000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = (an * d) + b;
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = b + (an / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15)
            {
                break;
            }
        }

        return Math.Clamp(Math.Exp(logPrefix) * h, 0, 1);
    }

    // Lanczos (g = 7, nine coefficients): double precision for a > 0.5, reflection below.
    internal static double LogGamma(double a)
    {
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (a < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * a))) - LogGamma(1 - a);
        }

        a -= 1;
        var sum = c[0];
        for (var i = 1; i < c.Length; i++)
        {
            sum += c[i] / (a + i);
        }

        var t = a + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((a + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
