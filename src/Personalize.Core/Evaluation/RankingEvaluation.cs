using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;

namespace Personalize.Core.Evaluation;

/// <summary>Measures top-K ranking quality on held-out interactions, for a model and for the most-popular baseline.</summary>
/// <remarks>
/// A held-out item is relevant to a user when the user interacted with it in the held-out log and not in training (recommendations
/// leave seen items out, so seen items cannot be hits). Users the model does not know, and users with no relevant item, are skipped and
/// counted in <see cref="RankingReport.UsersSkipped"/>, never mixed into the averages. Thread-safe.
/// </remarks>
public static class RankingEvaluation
{
    /// <summary>Evaluates a recommender's lists.</summary>
    /// <param name="recommender">The recommender; its model is the training side.</param>
    /// <param name="heldOut">The held-out interactions, matched to the model by id.</param>
    /// <param name="k">The list length.</param>
    /// <returns>The averages.</returns>
    public static RankingReport Evaluate(Recommender recommender, InteractionLog heldOut, int k)
    {
        ArgumentNullException.ThrowIfNull(recommender);
        return Run(recommender.Model, heldOut, k, (user, destination) => recommender.ForUserIndex(user, destination));
    }

    /// <summary>Evaluates the most-popular baseline: the most popular items in training that the user has not seen.</summary>
    /// <param name="model">The model, for its popularity and seen items.</param>
    /// <param name="heldOut">The held-out interactions, matched to the model by id.</param>
    /// <param name="k">The list length.</param>
    /// <returns>The averages.</returns>
    public static RankingReport EvaluatePopularity(FactorModel model, InteractionLog heldOut, int k)
    {
        ArgumentNullException.ThrowIfNull(model);
        int[] order = Enumerable.Range(0, model.Items.Count).OrderByDescending(i => model.ItemPopularity[i]).ThenBy(i => i).ToArray();
        return Run(model, heldOut, k, (user, destination) =>
        {
            ReadOnlySpan<int> seen = model.GetSeenItems(user);
            int written = 0;
            foreach (int item in order)
            {
                if (written == destination.Length)
                {
                    break;
                }

                if (seen.BinarySearch(item) < 0)
                {
                    destination[written++] = new Recommendation(model.Items.GetId(item), item, model.ItemPopularity[item]);
                }
            }

            return written;
        });
    }

    private delegate int ListFor(int user, Span<Recommendation> destination);

    private static RankingReport Run(FactorModel model, InteractionLog heldOut, int k, ListFor listFor)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var relevant = new Dictionary<int, HashSet<int>>();
        var skippedUsers = new HashSet<string>(StringComparer.Ordinal);
        ReadOnlySpan<int> users = heldOut.UserIndices, items = heldOut.ItemIndices;
        for (int row = 0; row < heldOut.Count; row++)
        {
            string userId = heldOut.Users.GetId(users[row]);
            if (!model.Users.TryGetIndex(userId, out int user))
            {
                skippedUsers.Add(userId);
                continue;
            }

            if (!model.Items.TryGetIndex(heldOut.Items.GetId(items[row]), out int item) || model.GetSeenItems(user).BinarySearch(item) >= 0)
            {
                relevant.TryAdd(user, []);
                continue;
            }

            if (!relevant.TryGetValue(user, out HashSet<int>? set))
            {
                relevant[user] = set = [];
            }

            set.Add(item);
        }

        var list = new Recommendation[k];
        double precision = 0, recall = 0, ndcg = 0, hits = 0;
        int evaluated = 0, skipped = skippedUsers.Count;
        foreach (var (user, set) in relevant.OrderBy(p => p.Key))
        {
            if (set.Count == 0)
            {
                skipped++;
                continue;
            }

            int n = listFor(user, list);
            int hit = 0;
            double dcg = 0;
            for (int r = 0; r < n; r++)
            {
                if (set.Contains(list[r].ItemIndex))
                {
                    hit++;
                    dcg += 1 / Math.Log2(r + 2);
                }
            }

            double ideal = 0;
            for (int r = 0; r < Math.Min(k, set.Count); r++)
            {
                ideal += 1 / Math.Log2(r + 2);
            }

            precision += (double)hit / k;
            recall += (double)hit / set.Count;
            ndcg += dcg / ideal;
            hits += hit > 0 ? 1 : 0;
            evaluated++;
        }

        return evaluated == 0
            ? new RankingReport(k, 0, skipped, 0, 0, 0, 0)
            : new RankingReport(k, evaluated, skipped, precision / evaluated, recall / evaluated, ndcg / evaluated, hits / evaluated);
    }
}
