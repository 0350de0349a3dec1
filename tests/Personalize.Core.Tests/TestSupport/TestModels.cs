using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Core.Tests.TestSupport;

/// <summary>Builds <see cref="FactorModel"/>s from random factors with a fixed seed, so every run tests the same model.</summary>
internal static class TestModels
{
    /// <summary>
    /// Creates a model with ids <c>user-0…</c> and <c>item-0…</c>, factors drawn from <paramref name="seed"/>, each user seeing about
    /// <paramref name="seenFraction"/> of the items, and popularity equal to how many users saw each item (so popularity has ties).
    /// </summary>
    /// <param name="onGrid">
    /// When true, every factor and bias is a multiple of 1/64 in [-1, 1]: every dot product and sum is then exact in float, so a scalar
    /// reference in double gives bit-identical scores and the same order on ties. When false, factors are uniform in [-1, 1).
    /// </param>
    /// <param name="withBiases">When true the model is <see cref="FactorModelKind.Explicit"/> with a global bias and per-user and per-item biases.</param>
    public static FactorModel Create(int seed, int userCount = 30, int itemCount = 100, int numberOfFactors = 8, bool withBiases = false,
        double seenFraction = 0.2, bool onGrid = true, IReadOnlyDictionary<string, string>? properties = null)
    {
        var random = new Random(seed);
        IdMap users = IdMap.FromIds(Enumerable.Range(0, userCount).Select(u => $"user-{u}"));
        IdMap items = IdMap.FromIds(Enumerable.Range(0, itemCount).Select(i => $"item-{i}"));
        float[] userFactors = Values(random, userCount * numberOfFactors, onGrid);
        float[] itemFactors = Values(random, itemCount * numberOfFactors, onGrid);
        (int[] seenOffsets, int[] seenItems) = RandomSeen(random, userCount, itemCount, seenFraction);
        var popularity = new float[itemCount];
        foreach (int item in seenItems)
        {
            popularity[item]++;
        }

        properties ??= new Dictionary<string, string> { ["trainer"] = "TestModels", ["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (!withBiases)
        {
            return new FactorModel(FactorModelKind.Implicit, users, items, numberOfFactors, userFactors, itemFactors, seenOffsets, seenItems,
                popularity, properties);
        }

        float globalBias = onGrid ? Grid(random) : (float)(random.NextDouble() * 2 - 1);
        return new FactorModel(FactorModelKind.Explicit, users, items, numberOfFactors, userFactors, itemFactors, seenOffsets, seenItems,
            popularity, properties, globalBias, Values(random, userCount, onGrid), Values(random, itemCount, onGrid));
    }

    /// <summary>Random values: on the 1/64 grid in [-1, 1], or uniform in [-1, 1).</summary>
    public static float[] Values(Random random, int count, bool onGrid = true)
    {
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = onGrid ? Grid(random) : (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }

    /// <summary>A multiple of 1/64 in [-1, 1].</summary>
    public static float Grid(Random random) => random.Next(-64, 65) / 64f;

    /// <summary>Seen items in CSR form: offsets (users + 1) and ascending item indices per user.</summary>
    public static (int[] Offsets, int[] Items) RandomSeen(Random random, int userCount, int itemCount, double fraction)
    {
        var offsets = new int[userCount + 1];
        var items = new List<int>();
        for (int u = 0; u < userCount; u++)
        {
            for (int i = 0; i < itemCount; i++)
            {
                if (random.NextDouble() < fraction)
                {
                    items.Add(i);
                }
            }

            offsets[u + 1] = items.Count;
        }

        return (offsets, items.ToArray());
    }
}
