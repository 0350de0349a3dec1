using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;
using Xunit;

namespace Personalize.Core.Tests.Training;

/// <summary>The implicit trainer's popularity blend (<see cref="ImplicitAlsTrainer.Options.PopularityWeight"/>) end to end: the scores it
/// ranks by, fold-in, explanations, the model file and the tuner.</summary>
public sealed class PopularityBlendTests
{
    /// <summary>Two taste groups over the items, with item popularity falling off within each group's half (or, without
    /// <paramref name="taste"/>, any item at random); a share of each user's picks is drawn from the whole catalogue by popularity alone.</summary>
    private static InteractionLog TasteLog(int users = 300, double popularShare = 0.3, int seed = 3, int picks = 8, int items = 60, bool taste = true,
        float otherWeight = 1f)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        int Zipf(int count)
        {
            double total = 0;
            for (int i = 1; i <= count; i++)
            {
                total += 1.0 / i;
            }

            double x = random.NextDouble() * total;
            for (int i = 1; i <= count; i++)
            {
                x -= 1.0 / i;
                if (x <= 0)
                {
                    return i - 1;
                }
            }

            return count - 1;
        }

        for (int u = 0; u < users; u++)
        {
            for (int e = 0; e < picks; e++)
            {
                bool popular = random.NextDouble() < popularShare;
                int item = popular ? Zipf(items) : taste ? (u % 2) * (items / 2) + Zipf(items / 2) : random.Next(items);
                rows.Add(new Interaction($"u{u}", $"i{item}", Value: popular ? 1f : otherWeight));
            }
        }

        return InteractionLog.Create(rows);
    }

    private static readonly ImplicitAlsTrainer.Options Plain = new() { NumberOfFactors = 8, NumberOfIterations = 6, NumberOfThreads = 1 };

    [Fact]
    public void A_blended_model_ranks_each_user_by_the_standardized_blend_of_its_own_scores_and_log_popularity()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(TasteLog());
        FactorModel plain = new ImplicitAlsTrainer(Plain).Fit(feedback);
        FactorModel blended = new ImplicitAlsTrainer(Plain with { PopularityWeight = 0.3f }).Fit(feedback);

        Assert.Equal("0.3", blended.Properties[ModelPropertyNames.PopularityWeight]);
        Assert.False(plain.HasBiases);
        Assert.True(blended.HasBiases);
        Assert.Equal(plain.ItemFactors.ToArray(), blended.ItemFactors.ToArray());
        int items = plain.Items.Count;
        double[] logPopularity = [.. Enumerable.Range(0, items).Select(j => Math.Log(1 + feedback.GetUserCount(j)))];
        double[] popularity = Standardize(logPopularity);
        for (int u = 0; u < plain.Users.Count; u += 29)
        {
            double[] own = Standardize([.. Enumerable.Range(0, items).Select(j => (double)plain.Score(u, j))]);
            double[] expected = [.. Enumerable.Range(0, items).Select(j => 0.7 * own[j] + 0.3 * popularity[j])];
            double[] actual = [.. Enumerable.Range(0, items).Select(j => (double)blended.Score(u, j))];
            // The same up to a constant per user (the mean of the user's own scores, which ranking ignores).
            double offset = actual[0] - expected[0];
            for (int j = 0; j < items; j++)
            {
                Assert.Equal(expected[j], actual[j] - offset, 1e-3);
            }
        }
    }

    [Fact]
    public void A_share_of_1_gives_every_user_the_most_popular_items_they_have_not_seen()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(TasteLog());
        using var recommender = new Recommender(new ImplicitAlsTrainer(Plain with { PopularityWeight = 1f }).Fit(feedback));
        FactorModel model = recommender.Model;
        for (int u = 0; u < model.Users.Count; u += 41)
        {
            HashSet<int> seen = [.. model.GetSeenItems(u).ToArray()];
            int[] expected = [.. Enumerable.Range(0, model.Items.Count).Where(j => !seen.Contains(j))
                .OrderByDescending(j => feedback.GetUserCount(j)).ThenBy(j => j).Take(5).Select(j => feedback.GetUserCount(j))];
            int[] listed = [.. recommender.ForUser(model.Users.GetId(u), 5).ToArray().Select(r => feedback.GetUserCount(r.ItemIndex))];
            Assert.Equal(expected, listed);   // by count: items of equal popularity may come in either order
        }
    }

    [Fact]
    public void Folding_in_scales_the_vector_as_training_does()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(TasteLog(users: 200));
        FactorModel plain = new ImplicitAlsTrainer(Plain).Fit(feedback);
        FactorModel blended = new ImplicitAlsTrainer(Plain with { PopularityWeight = 0.4f }).Fit(feedback);
        using var before = new Recommender(plain);
        using var after = new Recommender(blended);
        Interaction[] events = [new("s", "i3"), new("s", "i4"), new("s", "i40")];
        float[] unscaled = before.FoldIn(null, events).Factors.ToArray();
        float[] scaled = after.FoldIn(null, events).Factors.ToArray();

        // (1 − w)/σ, σ the spread of the unscaled vector's scores over all items.
        double[] scores = [.. Enumerable.Range(0, plain.Items.Count).Select(j => Dot(unscaled, plain.GetItemFactors(j)))];
        double mean = scores.Average(), spread = Math.Sqrt(scores.Select(s => (s - mean) * (s - mean)).Average());
        for (int f = 0; f < unscaled.Length; f++)
        {
            Assert.Equal(unscaled[f] * 0.6 / spread, scaled[f], 1e-4 * (1 + Math.Abs(scaled[f])));
        }

        // A known user's own history folds in close to the vector training gave them.
        for (int u = 0; u < 200; u += 37)
        {
            float[] trained = blended.GetUserFactors(u).ToArray();
            float[] again = after.FoldIn(blended.Users.GetId(u), []).Factors.ToArray();
            Assert.True(Cosine(trained, again) > 0.95, $"user {u}: the folded vector points elsewhere");
            Assert.InRange(Norm(again) / Norm(trained), 0.8, 1.25);
        }
    }

    [Fact]
    public void Explanations_of_a_blended_model_add_up_to_the_score_with_popularity_in_the_base()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(TasteLog(users: 200));
        using var recommender = new Recommender(new ImplicitAlsTrainer(Plain with { PopularityWeight = 0.3f }).Fit(feedback));
        FoldedUser session = recommender.FoldIn(null, [new Interaction("s", "i1"), new Interaction("s", "i2")]);
        foreach (Recommendation r in recommender.ForUser(session, 5))
        {
            ScoreExplanation explanation = recommender.Explain(session, r.ItemId, 10);
            Assert.Equal(r.Score, explanation.Score, 1e-4f * (1 + Math.Abs(r.Score)));
            Assert.Equal(recommender.Model.GetItemBias(r.ItemIndex), explanation.BaseScore);
            float sum = explanation.BaseScore + explanation.Contributions.Sum(c => c.Value) + explanation.OtherContributions;
            Assert.Equal(explanation.Score, sum, 1e-3f * (1 + Math.Abs(explanation.Score)));
        }

        string known = recommender.Model.Users.GetId(7);
        Recommendation first = recommender.ForUser(known, 1).ToArray()[0];
        Assert.Equal(first.Score, recommender.Explain(known, first.ItemId, 10).Score, 1e-4f * (1 + Math.Abs(first.Score)));
    }

    [Fact]
    public void A_blended_model_saved_and_loaded_scores_and_folds_in_the_same()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(TasteLog(users: 150));
        FactorModel model = new ImplicitAlsTrainer(Plain with { PopularityWeight = 0.25f, ItemItemWeight = 0.3f, ItemItemRank = 10, ItemItemRegularization = 20 }).Fit(feedback);
        string path = Path.Combine(Path.GetTempPath(), $"popularity-{Guid.NewGuid():N}.pzm");
        try
        {
            ModelFile.Save(model, path);
            FactorModel loaded = ModelFile.Load(path);
            Assert.Equal("0.25", loaded.Properties[ModelPropertyNames.PopularityWeight]);
            Assert.Equal(model.Score(3, 5), loaded.Score(3, 5));
            using var before = new Recommender(model);
            using var after = new Recommender(loaded);
            Interaction[] events = [new("s", "i3"), new("s", "i4")];
            Assert.Equal(before.FoldIn(null, events).Factors.ToArray(), after.FoldIn(null, events).Factors.ToArray());
            Assert.Equal(before.ForUser(model.Users.GetId(2), 10).ToArray().Select(r => r.ItemId), after.ForUser(model.Users.GetId(2), 10).ToArray().Select(r => r.ItemId));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("1.5", "is not a number from 0 to 1")]
    [InlineData("often", "is not a number from 0 to 1")]
    public void A_model_file_with_a_wrong_popularity_weight_is_refused_at_load_naming_the_property(string value, string expected)
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(TasteLog(users: 60));
        FactorModel broken = new ImplicitAlsTrainer(Plain with { PopularityWeight = 0.2f }).Fit(feedback)
            .WithProperties([new(ModelPropertyNames.PopularityWeight, value)]);
        string path = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.pzm");
        try
        {
            Assert.Throws<InvalidOperationException>(() => ModelFile.Save(broken, path));   // refused when saved, and when read:
            using (FileStream file = File.Create(path))
            {
                ModelFile.WriteWithoutPropertyCheck(broken, file);
            }

            ModelFormatException error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));
            Assert.StartsWith(Path.GetFileName(path) + ": ", error.Message);
            Assert.Contains($"'{ModelPropertyNames.PopularityWeight}={value}' {expected}", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_popularity_weight_on_a_model_without_biases_is_refused_at_load()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(TasteLog(users: 60));
        FactorModel broken = new ImplicitAlsTrainer(Plain).Fit(feedback).WithProperties([new(ModelPropertyNames.PopularityWeight, "0.5")]);
        string path = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.pzm");
        try
        {
            Assert.Throws<InvalidOperationException>(() => ModelFile.Save(broken, path));   // refused when saved, and when read:
            using (FileStream file = File.Create(path))
            {
                ModelFile.WriteWithoutPropertyCheck(broken, file);
            }

            ModelFormatException error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));
            Assert.Contains("only an implicit model with item biases", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0.3, true)]
    [InlineData(1.0, false)]
    public void The_tuner_ends_with_popularity_trials_on_the_best_options_and_keeps_one_only_for_a_clear_gain(double popularShare, bool taste)
    {
        InteractionLog log = TasteLog(users: 800, popularShare: popularShare, picks: 5, items: 300, taste: taste);
        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(log, baseOptions: new() { NumberOfThreads = 1 });
        AutoTuneTrial<ImplicitAlsTrainer.Options>[] popularity = [.. result.Trials.Where(t => t.Stage == "popularity")];
        AutoTuneTrial<ImplicitAlsTrainer.Options>[] others = [.. result.Trials.Where(t => t.Stage != "popularity")];
        AutoTuneTrial<ImplicitAlsTrainer.Options> bestOther = others.MaxBy(t => t.Score)!;

        // The last trials, at shares 0.1 and 0.25 first, on the best options before them.
        Assert.Equal(popularity, result.Trials.TakeLast(popularity.Length));
        Assert.InRange(popularity.Length, 2, 5);
        Assert.Equal([0.1f, 0.25f], popularity.Take(2).Select(t => t.Options.PopularityWeight));
        Assert.All(popularity, t => Assert.Equal(bestOther.Options with { PopularityWeight = 0f }, t.Options with { PopularityWeight = 0f }));
        Assert.All(others, t => Assert.Equal(0f, t.Options.PopularityWeight));

        // A share is chosen only when it validated at least 1 % better than every trial before it.
        if (result.Options.PopularityWeight > 0)
        {
            Assert.True(result.Best.Score >= bestOther.Score * 1.01, $"{result.Best.Score:F4} vs {bestOther.Score:F4}");
        }
        else
        {
            Assert.Same(bestOther, result.Best);
            Assert.All(popularity, t => Assert.True(t.Score < bestOther.Score * 1.01));
        }

        // The chosen options train the model the trial scored.
        FactorModel chosen = new ImplicitAlsTrainer(result.Options).Fit(FeedbackMatrix.FromLog(log));
        Assert.Equal(result.Options.PopularityWeight > 0, chosen.Properties.ContainsKey(ModelPropertyNames.PopularityWeight));
    }

    [Fact]
    public void The_tuner_keeps_the_model_alone_where_taste_decides()
    {
        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(TasteLog(users: 600, popularShare: 0), baseOptions: new() { NumberOfThreads = 1 });
        AutoTuneTrial<ImplicitAlsTrainer.Options>[] popularity = [.. result.Trials.Where(t => t.Stage == "popularity")];
        Assert.NotEmpty(popularity);
        Assert.Equal(0f, result.Options.PopularityWeight);
        Assert.All(popularity, t => Assert.True(t.Score < result.Best.Score, $"share {t.Options.PopularityWeight}: {t.Score:F4} vs {result.Best.Score:F4}"));
    }

    private static double[] Standardize(double[] values)
    {
        double mean = values.Average();
        double spread = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        return [.. values.Select(v => (v - mean) / spread)];
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
        }

        return dot;
    }

    private static double Norm(ReadOnlySpan<float> a) => Math.Sqrt(Dot(a, a));

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Dot(a, b) / (Norm(a) * Norm(b));
}
