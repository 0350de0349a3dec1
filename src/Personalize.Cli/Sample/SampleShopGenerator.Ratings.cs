using static Personalize.Cli.Sample.SampleRandom;
using static Personalize.Cli.Sample.SampleShopTables;

namespace Personalize.Cli.Sample;

internal static partial class SampleShopGenerator
{
    /// <summary>Draws the explicit ratings of the first <see cref="SampleShopOptions.RatingUsers"/> users for the first
    /// <see cref="SampleShopOptions.RatingItems"/> items from the planted low-rank model.</summary>
    /// <param name="options">Generator parameters.</param>
    /// <param name="start">Start of the window (Unix seconds).</param>
    /// <param name="end">End of the window (Unix seconds).</param>
    /// <param name="clamped">Number of ratings whose raw value fell outside [1, 5].</param>
    /// <returns>Ratings sorted by user, then item.</returns>
    private static List<ShopRating> GenerateRatings(SampleShopOptions options, long start, long end, out int clamped)
    {
        int rank = options.RatingRank;
        int n = Math.Min(options.Items, options.RatingItems);
        double factorSd = Math.Pow(RatingInteractionVariance / rank, 0.25);

        Random itemRng = RandomStream(options.Seed, 5, 0);
        var itemBias = new double[n];
        var itemFactors = new double[n * rank];
        var itemWeight = new double[n];
        for (int i = 0; i < n; i++)
        {
            itemBias[i] = RatingItemBiasSd * Normal(itemRng);
            for (int f = 0; f < rank; f++)
            {
                itemFactors[(i * rank) + f] = factorSd * Normal(itemRng);
            }

            itemWeight[i] = Math.Exp(0.8 * Normal(itemRng));
        }

        double[] itemCdf = Cumulative(n, i => itemWeight[i]);
        var ratings = new List<ShopRating>(options.RatingUsers * options.RatingsPerUser);
        var userFactors = new double[rank];
        var picked = new HashSet<int>();
        var keys = new double[n];
        var keyOrder = new int[n];
        int mean = options.RatingsPerUser;
        int low = Math.Max(1, (mean + 1) / 2);
        int high = Math.Max(low, (3 * mean) / 2);
        clamped = 0;
        for (int u = 0; u < options.RatingUsers; u++)
        {
            Random rng = RandomStream(options.Seed, 6, u);
            double userBias = RatingUserBiasSd * Normal(rng);
            for (int f = 0; f < rank; f++)
            {
                userFactors[f] = factorSd * Normal(rng);
            }

            int count = Math.Min(n, low + rng.Next(high - low + 1));
            int[] chosen = PickWithoutReplacement(rng, itemCdf, itemWeight, count, picked, keys, keyOrder);
            Array.Sort(chosen);
            foreach (int i in chosen)
            {
                double dot = 0.0;
                for (int f = 0; f < rank; f++)
                {
                    dot += userFactors[f] * itemFactors[(i * rank) + f];
                }

                double raw = RatingMean + userBias + itemBias[i] + dot + (options.RatingNoise * Normal(rng));
                if (raw < 1.0 || raw > 5.0)
                {
                    clamped++;
                }

                double value = Math.Round(Math.Clamp(raw, 1.0, 5.0), 1, MidpointRounding.AwayFromZero);
                long timestamp = start + (long)(rng.NextDouble() * (end - start));
                ratings.Add(new ShopRating(u, i, (int)Math.Round(value * 10.0), timestamp));
            }
        }

        return ratings;
    }

    /// <summary>Samples <paramref name="count"/> distinct items with probability proportional to their weight.</summary>
    /// <param name="rng">Random stream.</param>
    /// <param name="cdf">Cumulative item weights.</param>
    /// <param name="weights">Item weights.</param>
    /// <param name="count">Number of items wanted (at most the number of items).</param>
    /// <param name="picked">Scratch set.</param>
    /// <param name="keys">Scratch array (one per item).</param>
    /// <param name="keyOrder">Scratch array (one per item).</param>
    /// <returns>The chosen item indices (unordered).</returns>
    private static int[] PickWithoutReplacement(Random rng, double[] cdf, double[] weights, int count, HashSet<int> picked, double[] keys, int[] keyOrder)
    {
        var result = new int[count];
        if (count * 4 <= weights.Length)
        {
            picked.Clear();
            int filled = 0;
            while (filled < count)
            {
                int i = SampleCdf(cdf, rng);
                if (picked.Add(i))
                {
                    result[filled++] = i;
                }
            }

            return result;
        }

        // Efraimidis-Spirakis: the items with the largest u^(1/w), i.e. the smallest -ln(u)/w.
        for (int i = 0; i < weights.Length; i++)
        {
            keys[i] = -Math.Log(1.0 - rng.NextDouble()) / weights[i];
            keyOrder[i] = i;
        }

        Array.Sort(keys, keyOrder);
        Array.Copy(keyOrder, result, count);
        return result;
    }
}
