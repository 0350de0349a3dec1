using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Benchmarks;

/// <summary>Deterministic synthetic inputs for the benchmarks.</summary>
internal static class Synthetic
{
    public static float[] Factors(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1);
        }

        return values;
    }

    /// <summary>A model of one or more users over <paramref name="items"/> random items.</summary>
    public static FactorModel Model(Random random, int users, int items, int rank, int seenPerUser)
    {
        var userIds = new string[users];
        for (int u = 0; u < users; u++)
        {
            userIds[u] = "u" + u;
        }

        var itemIds = new string[items];
        for (int i = 0; i < items; i++)
        {
            itemIds[i] = "i" + i;
        }

        var offsets = new int[users + 1];
        var seen = new List<int>();
        for (int u = 0; u < users; u++)
        {
            var set = new SortedSet<int>();
            while (set.Count < Math.Min(seenPerUser, items))
            {
                set.Add(random.Next(items));
            }

            seen.AddRange(set);
            offsets[u + 1] = seen.Count;
        }

        return new FactorModel(FactorModelKind.Implicit, IdMap.FromIds(userIds), IdMap.FromIds(itemIds), rank, Factors(random, users * rank),
            Factors(random, items * rank), offsets, [.. seen], Factors(random, items), new Dictionary<string, string>());
    }

    /// <summary>A feedback matrix of <paramref name="interactions"/> distinct pairs with some taste structure.</summary>
    public static FeedbackMatrix Feedback(int seed, int users, int items, int interactions)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>(interactions);
        var pairs = new HashSet<long>();
        int groups = 20, block = items / groups;
        while (rows.Count < interactions)
        {
            int user = random.Next(users);
            int item = random.NextDouble() < 0.7 ? (user % groups) * block + random.Next(block) : random.Next(items);
            if (pairs.Add(((long)user << 32) | (uint)item))
            {
                rows.Add(new Interaction("u" + user, "i" + item, Value: 1 + random.Next(5)));
            }
        }

        return FeedbackMatrix.FromLog(InteractionLog.Create(rows));
    }
}
