using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Core.Tests.Recommending;

/// <summary>What a recommender must answer, computed the plain way: score every item in double, sort, take the first ones.</summary>
internal static class ReferenceRecommendations
{
    /// <summary>
    /// The best <paramref name="count"/> items for a known user: global bias + user bias + item bias + dot product, higher first, lower
    /// index first on a tie. With <see cref="TestSupport.TestModels"/>' grid factors the double sum is exact, so the float a recommender
    /// returns must equal it exactly.
    /// </summary>
    public static Recommendation[] ForUser(FactorModel model, int user, int count, bool excludeSeen = true)
    {
        var seen = new HashSet<int>(model.GetSeenItems(user).ToArray());
        return Enumerable.Range(0, model.Items.Count)
            .Where(i => !excludeSeen || !seen.Contains(i))
            .Select(i => (Item: i, Score: Score(model, user, i)))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Item)
            .Take(count)
            .Select(x => new Recommendation(model.Items.GetId(x.Item), x.Item, (float)x.Score))
            .ToArray();
    }

    /// <summary>The most popular items, lower index first on a tie, scored by their popularity.</summary>
    public static Recommendation[] Popular(FactorModel model, int count) =>
        Enumerable.Range(0, model.Items.Count)
            .Where(i => model.ItemPopularity[i] > 0)
            .OrderByDescending(i => model.ItemPopularity[i]).ThenBy(i => i)
            .Take(count)
            .Select(i => new Recommendation(model.Items.GetId(i), i, model.ItemPopularity[i]))
            .ToArray();

    public static double Score(FactorModel model, int user, int item)
    {
        ReadOnlySpan<float> u = model.GetUserFactors(user), f = model.GetItemFactors(item);
        double sum = (double)model.GlobalBias + model.GetUserBias(user) + model.GetItemBias(item);
        for (int d = 0; d < u.Length; d++)
        {
            sum += (double)u[d] * f[d];
        }

        return sum;
    }

    public static string Describe(IEnumerable<Recommendation> list) => "[" + string.Join(", ", list.Select(r => $"{r.ItemId}:{r.Score:R}")) + "]";
}
