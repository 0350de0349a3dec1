using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Evaluation;

/// <summary><see cref="RankingEvaluation.Evaluate"/> and <see cref="RankingEvaluation.EvaluatePopularity"/> against hand-computed lists and
/// against <see cref="RankingEvaluation.EvaluateLists"/> given the same lists.</summary>
public sealed class RecommenderEvaluationTests
{
    /// <summary>Items i0…i4 are ranked in index order by <see cref="TinyModels"/>. a saw i0 and i2, b saw i3.</summary>
    private static (FactorModel Model, InteractionLog HeldOut) SeenExample() =>
        (TinyModels.Create(["a", "b"], TinyModels.Items(5), new Dictionary<string, string[]> { ["a"] = ["i0", "i2"], ["b"] = ["i3"] }),
         TinyModels.HeldOut(("a", "i1"), ("b", "i4")));

    [Fact]
    public void Evaluate_counts_the_seen_items_a_recommender_lists_when_ExcludeSeen_is_false()
    {
        (FactorModel model, InteractionLog heldOut) = SeenExample();
        using var recommender = new Recommender(model, new RecommenderOptions { ExcludeSeen = false });

        RankingReport report = RankingEvaluation.Evaluate(recommender, heldOut, 3);

        // a's list [i0, i1, i2]: i0 and i2 were seen (2), hit i1 at rank 2. b's list [i0, i1, i2]: nothing seen, no hit (i4 is 5th).
        // Seen 2; precision (1/3 + 0) / 2 = 1/6; MRR (1/2 + 0) / 2 = 1/4; coverage {i0, i1, i2} = 3/5.
        Assert.Equal(2, report.SeenItemsRecommended);
        Assert.Equal(1.0 / 6, report.Precision, 10);
        Assert.Equal(0.25, report.MeanReciprocalRank, 10);
        Assert.Equal(0.6, report.Coverage, 10);
        Assert.Equal(0.5, report.HitRate, 10);
    }

    [Fact]
    public void Evaluate_counts_no_seen_item_by_default()
    {
        (FactorModel model, InteractionLog heldOut) = SeenExample();
        using var recommender = new Recommender(model);

        RankingReport report = RankingEvaluation.Evaluate(recommender, heldOut, 3);

        // a's list [i1, i3, i4]: hit at rank 1. b's list [i0, i1, i2]: no hit. Seen 0; precision (1/3 + 0) / 2 = 1/6; MRR (1 + 0) / 2 = 1/2;
        // coverage {i0, i1, i2, i3, i4} = 5/5.
        Assert.Equal(0, report.SeenItemsRecommended);
        Assert.Equal(1.0 / 6, report.Precision, 10);
        Assert.Equal(0.5, report.MeanReciprocalRank, 10);
        Assert.Equal(1.0, report.Coverage, 10);
    }

    [Theory]
    [InlineData(true, 1, 40, 1)]
    [InlineData(false, 10, 40, 1)]
    [InlineData(true, 25, 40, 1)]
    [InlineData(true, 10, 3000, 1)]
    [InlineData(false, 10, 3000, 2)]
    public void Evaluate_equals_EvaluateLists_given_the_recommender_lists(bool excludeSeen, int k, int users, int scanThreads)
    {
        // Evaluate builds every user's list on all cores before counting them (3,000 users: many lists at once, with and without the
        // recommender's own scan threads): each must be that user's own list, in its place.
        bool many = users > 100;   // and a longer scan each (2,000 items × 32 factors), so that lists are built at the same time
        FactorModel model = TestModels.Create(seed: 700 + k + users, userCount: users, itemCount: many ? 2000 : 60,
            numberOfFactors: many ? 32 : 8, seenFraction: many ? 0.01 : 0.3);
        InteractionLog heldOut = RandomHeldOut(model, seed: 710 + k + users, share: many ? 0.002 : 0.1);
        using var recommender = new Recommender(model, new RecommenderOptions { ExcludeSeen = excludeSeen, NumberOfThreads = scanThreads });

        RankingReport actual = RankingEvaluation.Evaluate(recommender, heldOut, k);

        RankingReport expected = RankingEvaluation.EvaluateLists(model, heldOut, k,
            user => [.. recommender.ForUser(model.Users.GetId(user), k).Select(r => r.ItemIndex)]);
        Assert.Equal(expected, actual);
        Assert.True(actual.UsersEvaluated > users / 2, $"only {actual.UsersEvaluated} of {users} users were evaluated");
        Assert.Equal(excludeSeen, actual.SeenItemsRecommended == 0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void EvaluatePopularity_equals_EvaluateLists_given_the_most_popular_unseen_items(int k)
    {
        FactorModel model = TestModels.Create(seed: 720 + k, userCount: 40, itemCount: 60, seenFraction: 0.3);
        InteractionLog heldOut = RandomHeldOut(model, seed: 730 + k);

        RankingReport actual = RankingEvaluation.EvaluatePopularity(model, heldOut, k);

        // Reference: every item by popularity, highest first, ties to the lower index; drop seen items; keep k.
        RankingReport expected = RankingEvaluation.EvaluateLists(model, heldOut, k, user =>
        [
            .. Enumerable.Range(0, model.Items.Count)
                .Where(i => !model.GetSeenItems(user).ToArray().Contains(i))
                .OrderBy(i => -model.ItemPopularity[i]).ThenBy(i => i)
                .Take(k),
        ]);
        Assert.Equal(expected, actual);
        Assert.Equal(0, actual.SeenItemsRecommended);
        Assert.True(actual.UsersEvaluated > 20, $"only {actual.UsersEvaluated} users were evaluated");
    }

    /// <summary>A random <paramref name="share"/> of all (user, item) pairs of the model (a tenth by default), in id form, some of them
    /// seen in training.</summary>
    private static InteractionLog RandomHeldOut(FactorModel model, int seed, double share = 0.1)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        for (int user = 0; user < model.Users.Count; user++)
        {
            for (int item = 0; item < model.Items.Count; item++)
            {
                if (random.NextDouble() < share)
                {
                    rows.Add(new Interaction(model.Users.GetId(user), model.Items.GetId(item)));
                }
            }
        }

        return InteractionLog.Create(rows);
    }
}
