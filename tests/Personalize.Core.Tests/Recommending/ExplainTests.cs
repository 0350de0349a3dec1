using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.Core.Tests.Recommending;

/// <summary><see cref="Recommender.Explain(FoldedUser, string, int)"/>: the history items' additive parts of a score.</summary>
public sealed class ExplainTests
{
    private static readonly Interaction[] Session =
    [
        new("x", "i2", "purchase"), new("x", "i3", "view"), new("x", "i11", "cart"), new("x", "i12", "view"), new("x", "i30", "view"),
    ];

    [Fact]
    public void Contributions_add_up_to_the_score_of_a_folded_in_user_and_that_score_is_the_recommended_one()
    {
        FactorModel model = FoldInTests.ImplicitModel(seed: 91);
        using var recommender = new Recommender(model);
        FoldedUser user = recommender.FoldIn(null, Session);

        foreach (Recommendation r in recommender.ForUser(user, 8))
        {
            ScoreExplanation why = recommender.Explain(user, r.ItemId, count: 100);

            Assert.Equal(5, why.Contributions.Count);
            Assert.Equal(0f, why.OtherContributions);
            Assert.Equal(0f, why.BaseScore);
            ReferenceTopK.AssertClose(r.Score, why.Score, 1e-5, $"{r.ItemId}: explained score against the recommended score");
            ReferenceTopK.AssertClose(why.Score, why.Contributions.Sum(c => (double)c.Value), 1e-3, $"{r.ItemId}: sum of the contributions");
            ReferenceTopK.AssertClose(1, why.Contributions.Sum(c => (double)c.Share), 1e-3, $"{r.ItemId}: sum of the shares");
        }
    }

    [Fact]
    public void Contributions_match_the_reference_c_j_times_y_i_W_y_j()
    {
        FactorModel model = FoldInTests.ImplicitModel(seed: 92);
        using var recommender = new Recommender(model);
        FoldedUser user = recommender.FoldIn(null, Session);
        int[] history = user.ItemIndices.ToArray();
        var (a, _, coefficients) = ReferenceFoldIn.Implicit(model, history, [.. user.ItemWeights.ToArray().Select(w => (double)w)]);
        int item = model.Items.GetIndex("i20");
        double[] z = ReferenceFoldIn.Solve(a, ReferenceFoldIn.Features(model, item, explicitModel: false));   // W y_i

        ScoreExplanation why = recommender.Explain(user, "i20", count: 100);

        foreach (ScoreContribution c in why.Contributions)
        {
            int k = Array.IndexOf(history, c.ItemIndex);
            double expected = coefficients[k] * ReferenceFoldIn.Dot(z, model.GetItemFactors(c.ItemIndex));
            ReferenceTopK.AssertClose(expected, c.Value, 1e-3, $"contribution of {c.ItemId}");
        }
    }

    [Fact]
    public void Explain_lists_the_largest_contributions_first_and_sums_the_rest()
    {
        FactorModel model = FoldInTests.ImplicitModel(seed: 93);
        using var recommender = new Recommender(model);
        FoldedUser user = recommender.FoldIn(null, Session);
        ScoreExplanation all = recommender.Explain(user, "i13", count: 5);

        ScoreExplanation top = recommender.Explain(user, "i13", count: 2);

        Assert.Equal(all.Contributions.Take(2), top.Contributions);
        Assert.True(all.Contributions[0].Value >= all.Contributions[1].Value && all.Contributions[1].Value >= all.Contributions[4].Value);
        ReferenceTopK.AssertClose(all.Contributions.Skip(2).Sum(c => (double)c.Value), top.OtherContributions, 1e-5, "others");
        Assert.Equal(5, top.HistoryCount);
    }

    [Fact]
    public void Explain_for_an_explicit_model_adds_the_biases_as_the_base_score()
    {
        FactorModel model = FoldInTests.ExplicitModel(seed: 94);
        using var recommender = new Recommender(model);
        FoldedUser user = recommender.FoldIn(null, [new("x", "i1", Rating: 5f), new("x", "i2", Rating: 1f), new("x", "i7", Rating: 4.5f)]);
        int item = model.Items.GetIndex("i9");

        ScoreExplanation why = recommender.Explain(user, "i9", count: 3);

        ReferenceTopK.AssertClose(model.GlobalBias + model.GetItemBias(item), why.BaseScore, 1e-6, "base score");
        ReferenceTopK.AssertClose(why.Score, why.BaseScore + why.Contributions.Sum(c => (double)c.Value), 1e-3, "base + contributions");
        ReferenceTopK.AssertClose(recommender.ForUser(user, 30).Single(r => r.ItemId == "i9").Score, why.Score, 1e-5, "recommended score");
    }

    [Fact]
    public void Explain_by_user_id_uses_the_training_history_and_scores_close_to_the_trained_vector()
    {
        FactorModel model = FoldInTests.ImplicitModel(seed: 95, epochs: 15);
        using var recommender = new Recommender(model);
        string userId = model.Users.GetId(7);
        Recommendation first = recommender.ForUser(userId, 1)[0];

        ScoreExplanation why = recommender.Explain(userId, first.ItemId, count: 3);

        int[] seen = model.GetSeenItems(7).ToArray();
        Assert.Equal(seen.Length, why.HistoryCount);
        Assert.All(why.Contributions, c => Assert.Contains(c.ItemIndex, seen));
        ReferenceTopK.AssertClose(first.Score, why.Score, 1e-5, "explained score against the trained score");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void For_a_known_user_the_parts_add_up_to_the_score_ForUser_shows(bool explicitModel)
    {
        FactorModel model = explicitModel ? FoldInTests.ExplicitModel(seed: 97)
            : FoldInTests.ImplicitModel(seed: 97, epochs: 15);
        using var recommender = new Recommender(model);
        double largestGap = 0;
        for (int u = 0; u < Math.Min(model.Users.Count, 25); u++)
        {
            string userId = model.Users.GetId(u);
            foreach (Recommendation r in recommender.ForUser(userId, 5))
            {
                ScoreExplanation why = recommender.Explain(userId, r.ItemId, count: 3);
                double parts = why.BaseScore + why.Contributions.Sum(c => (double)c.Value) + why.OtherContributions;

                ReferenceTopK.AssertClose(r.Score, why.Score, 1e-5, $"{userId}/{r.ItemId}: explained score against the shown score");
                ReferenceTopK.AssertClose(r.Score, parts, 1e-4, $"{userId}/{r.ItemId}: base + contributions against the shown score");
                largestGap = Math.Max(largestGap, Math.Abs(why.Reconciled));
            }
        }

        // The re-solved history does differ from the trained vector, so the reconciliation is doing something.
        Assert.True(largestGap > 0, "no explanation needed reconciling");
    }

    [Fact]
    public void Explain_of_an_unknown_user_has_nothing_to_explain_and_an_unknown_item_is_an_error()
    {
        FactorModel model = FoldInTests.ImplicitModel(seed: 96);
        using var recommender = new Recommender(model);

        ScoreExplanation stranger = recommender.Explain("nobody", "i1", count: 3);
        var error = Assert.Throws<ArgumentException>(() => recommender.Explain(model.Users.GetId(0), "no-such-item", 3));

        Assert.Empty(stranger.Contributions);
        Assert.Equal(0f, stranger.Score);
        Assert.Contains("'no-such-item' is not in the model", error.Message);
    }
}
