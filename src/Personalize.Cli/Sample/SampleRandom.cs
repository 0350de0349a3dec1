namespace Personalize.Cli.Sample;

/// <summary>The random helpers of the sample shop generator: seeded streams, draws and weighted sampling.</summary>
internal static class SampleRandom
{
    /// <summary>An independent random stream for (<paramref name="seed"/>, <paramref name="purpose"/>, <paramref name="index"/>).</summary>
    /// <param name="seed">Master seed.</param>
    /// <param name="purpose">Which part of the generator uses the stream.</param>
    /// <param name="index">Entity index (user, ...).</param>
    /// <returns>A seeded <see cref="Random"/>.</returns>
    internal static Random RandomStream(int seed, int purpose, int index)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) ^ ((ulong)(uint)purpose << 24) ^ (uint)index);
        z = unchecked(z + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return new Random((int)(z & 0x7FFFFFFF));
    }

    /// <summary>A standard normal draw (Box-Muller).</summary>
    /// <param name="rng">Random stream.</param>
    /// <returns>N(0, 1) sample.</returns>
    internal static double Normal(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>A standard exponential draw.</summary>
    /// <param name="rng">Random stream.</param>
    /// <returns>Exp(1) sample.</returns>
    internal static double Exponential(Random rng) => -Math.Log(1.0 - rng.NextDouble());

    /// <summary>Cumulative sums of <paramref name="weight"/> over <c>0..count-1</c>.</summary>
    /// <param name="count">Number of entries.</param>
    /// <param name="weight">Weight of an entry.</param>
    /// <returns>The cumulative array.</returns>
    internal static double[] Cumulative(int count, Func<int, double> weight)
    {
        var cdf = new double[count];
        double sum = 0.0;
        for (int i = 0; i < count; i++)
        {
            sum += weight(i);
            cdf[i] = sum;
        }

        return cdf;
    }

    /// <summary>Samples an index from a cumulative weight array.</summary>
    /// <param name="cdf">Cumulative weights (last entry is the total).</param>
    /// <param name="rng">Random stream.</param>
    /// <returns>The index.</returns>
    internal static int SampleCdf(double[] cdf, Random rng) => SearchCdf(cdf, 0, cdf.Length, rng.NextDouble() * cdf[^1]);

    /// <summary>First index in <c>[from, to)</c> whose cumulative weight exceeds <paramref name="target"/>.</summary>
    /// <param name="cdf">Cumulative weights.</param>
    /// <param name="from">First index of the range.</param>
    /// <param name="to">End (exclusive) of the range.</param>
    /// <param name="target">Point in the cumulative scale.</param>
    /// <returns>The index (clamped to the range).</returns>
    internal static int SearchCdf(double[] cdf, int from, int to, double target)
    {
        int lo = from;
        int hi = to - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > target)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>Samples an index proportionally to non-negative weights (at least one positive).</summary>
    /// <param name="weights">Weights.</param>
    /// <param name="rng">Random stream.</param>
    /// <returns>The index.</returns>
    internal static int SampleWeighted(double[] weights, Random rng)
    {
        double total = 0.0;
        foreach (double w in weights)
        {
            total += w;
        }

        double target = rng.NextDouble() * total;
        int last = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] <= 0.0)
            {
                continue;
            }

            last = i;
            target -= weights[i];
            if (target < 0.0)
            {
                return i;
            }
        }

        return last;
    }

    /// <summary>Fisher-Yates shuffle.</summary>
    /// <param name="values">Array shuffled in place.</param>
    /// <param name="rng">Random stream.</param>
    internal static void Shuffle(int[] values, Random rng)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
