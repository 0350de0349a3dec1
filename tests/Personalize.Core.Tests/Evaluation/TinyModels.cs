using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Core.Tests.Evaluation;

/// <summary>Hand-made models for hand-computed metric examples.</summary>
internal static class TinyModels
{
    /// <summary>
    /// A model with one factor: every user's factor is 1 and item <c>i</c>'s factor is <c>items.Length - i</c>, so a recommender ranks
    /// the items in index order (i0 first). Popularity is how many users saw the item.
    /// </summary>
    public static FactorModel Create(string[] userIds, string[] itemIds, IReadOnlyDictionary<string, string[]> seen)
    {
        IdMap users = IdMap.FromIds(userIds);
        IdMap items = IdMap.FromIds(itemIds);
        var offsets = new int[users.Count + 1];
        var seenItems = new List<int>();
        var popularity = new float[items.Count];
        for (int u = 0; u < users.Count; u++)
        {
            int[] indices = seen.TryGetValue(users.GetId(u), out string[]? ids) ? [.. ids.Select(items.GetIndex).Order()] : [];
            foreach (int item in indices)
            {
                popularity[item]++;
            }

            seenItems.AddRange(indices);
            offsets[u + 1] = seenItems.Count;
        }

        float[] userFactors = [.. Enumerable.Repeat(1f, users.Count)];
        float[] itemFactors = [.. Enumerable.Range(0, items.Count).Select(i => (float)(items.Count - i))];
        return new FactorModel(FactorModelKind.Implicit, users, items, 1, userFactors, itemFactors, offsets, [.. seenItems], popularity,
            new Dictionary<string, string> { ["trainer"] = nameof(TinyModels) });
    }

    /// <summary>Item ids i0, i1, … .</summary>
    public static string[] Items(int count) => [.. Enumerable.Range(0, count).Select(i => $"i{i}")];

    /// <summary>A held-out log of (user, item) rows without timestamps.</summary>
    public static InteractionLog HeldOut(params (string User, string Item)[] rows) =>
        InteractionLog.Create(rows.Select(r => new Interaction(r.User, r.Item)));
}
