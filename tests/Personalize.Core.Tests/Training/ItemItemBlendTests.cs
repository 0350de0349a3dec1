using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Recommending;
using Personalize.Core.Training;
using Xunit;

namespace Personalize.Core.Tests.Training;

/// <summary>The implicit trainer's item-item blend (<see cref="ImplicitAlsTrainer.Options.ItemItemWeight"/>) end to end: training,
/// serving, fold-in, explanations, the model file and the tuner.</summary>
public sealed class ItemItemBlendTests
{
    /// <summary>Items in bundles of three bought together; each user picks bundles at random (no shared taste to factor), and buys each
    /// item of a picked bundle with probability 0.8. What predicts a held-out item is its bundle-mates: item-item structure.</summary>
    private static InteractionLog BundleLog(int users = 600, int bundles = 80, int picks = 4, int seed = 1) =>
        InteractionLog.Create(BundleRows(users, bundles, picks, seed));

    private static List<Interaction> BundleRows(int users, int bundles = 80, int picks = 4, int seed = 1)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        for (int u = 0; u < users; u++)
        {
            for (int p = 0; p < picks; p++)
            {
                int bundle = random.Next(bundles);
                for (int m = 0; m < 3; m++)
                {
                    if (random.NextDouble() < 0.8)
                    {
                        rows.Add(new Interaction($"u{u}", $"i{bundle * 3 + m}"));
                    }
                }
            }
        }

        return rows;
    }

    private static readonly ImplicitAlsTrainer.Options Plain = new() { NumberOfFactors = 16, NumberOfIterations = 8, NumberOfThreads = 1 };

    private static FactorModel Blended(FeedbackMatrix feedback, float weight = 0.5f) =>
        new ImplicitAlsTrainer(Plain with { ItemItemWeight = weight, ItemItemRegularization = 10, ItemItemRank = 24 }).Fit(feedback);

    [Fact]
    public void A_blended_model_has_the_item_item_values_after_the_factors_and_records_them()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(BundleLog());
        FactorModel model = Blended(feedback);
        Assert.Equal(16 + 24, model.NumberOfFactors);
        Assert.Equal("16", model.Properties[ModelPropertyNames.Factors]);
        Assert.Equal("0.5", model.Properties[ModelPropertyNames.ItemItemWeight]);
        Assert.Equal("10", model.Properties[ModelPropertyNames.ItemItemRegularization]);
        Assert.Equal("24", model.Properties[ModelPropertyNames.ItemItemRank]);
        Assert.Equal(24, model.Properties[ModelPropertyNames.ItemItemEigenvalues].Split(',').Length);

        FactorModel again = Blended(feedback);
        Assert.Equal(model.UserFactors.ToArray(), again.UserFactors.ToArray());
        Assert.Equal(model.ItemFactors.ToArray(), again.ItemFactors.ToArray());

        FactorModel plain = new ImplicitAlsTrainer(Plain).Fit(feedback);
        Assert.Equal(16, plain.NumberOfFactors);
        Assert.False(plain.Properties.ContainsKey(ModelPropertyNames.ItemItemWeight));
    }

    [Fact]
    public void Blending_factors_fitted_once_gives_exactly_the_models_that_fits_with_the_item_item_options_give()
    {
        // The tuner trains the factors once and blends them with several item-item settings: each blend must be the model a fit
        // with those options returns, bit for bit, or the options it chooses would not reproduce the model it scored.
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(BundleLog(users: 300));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 1 };
        (float[] users, float[] items) = new ImplicitAlsTrainer(Plain).FitFactors(feedback, CancellationToken.None);
        ItemItemSpectrum spectrum = ItemItemSpectrum.Compute(feedback, 24, ImplicitAlsDefaults.ItemItemIterations, Plain.Seed, parallel);
        foreach ((float weight, float lambda) in new[] { (0.5f, 10f), (0.2f, 300f), (1f, 30f), (0f, 300f) })
        {
            ImplicitAlsTrainer.Options options = Plain with { ItemItemWeight = weight, ItemItemRegularization = lambda, ItemItemRank = 24 };
            FactorModel assembled = new ImplicitAlsTrainer(options).Assemble(feedback, users, items, spectrum, CancellationToken.None);
            FactorModel fitted = new ImplicitAlsTrainer(options).Fit(feedback);

            Assert.Equal(fitted.NumberOfFactors, assembled.NumberOfFactors);
            Assert.Equal(fitted.UserFactors.ToArray(), assembled.UserFactors.ToArray());
            Assert.Equal(fitted.ItemFactors.ToArray(), assembled.ItemFactors.ToArray());
            Assert.Equal(fitted.Properties.OrderBy(p => p.Key), assembled.Properties.OrderBy(p => p.Key));
        }

        // The factors are copied, not taken: a second blend of the same arrays is unchanged by the first.
        FactorModel first = new ImplicitAlsTrainer(Plain).Assemble(feedback, users, items, null, CancellationToken.None);
        Assert.Equal(new ImplicitAlsTrainer(Plain).Fit(feedback).UserFactors.ToArray(), first.UserFactors.ToArray());
        Assert.Throws<ArgumentNullException>(() => new ImplicitAlsTrainer(Plain with { ItemItemWeight = 0.5f }).Assemble(feedback, users, items, null, CancellationToken.None));
    }

    [Fact]
    public void On_bundles_the_blend_ranks_held_out_items_better_than_the_factors_alone()
    {
        LogSplit split = TrainTestSplit.PerUser(BundleLog(), 0.25, seed: 2);
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(split.Train);
        using var plain = new Recommender(new ImplicitAlsTrainer(Plain).Fit(feedback));
        using var blended = new Recommender(Blended(feedback));
        double before = RankingEvaluation.Evaluate(plain, split.Test, 10).Ndcg;
        double after = RankingEvaluation.Evaluate(blended, split.Test, 10).Ndcg;
        Assert.True(after > before * 1.05, $"NDCG@10 blended {after:F4} vs factors alone {before:F4}");
    }

    [Fact]
    public void Folding_in_a_known_users_own_history_gives_their_item_item_values_and_nearly_their_factors()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(BundleLog(users: 300));
        FactorModel model = Blended(feedback);
        using var recommender = new Recommender(model);
        for (int u = 0; u < 300; u += 37)
        {
            string id = model.Users.GetId(u);
            FoldedUser folded = recommender.FoldIn(id, []);
            ReadOnlySpan<float> trained = model.GetUserFactors(u);
            ReadOnlySpan<float> again = folded.Factors;
            Assert.Equal(40, again.Length);
            for (int f = 16; f < 40; f++)
            {
                Assert.Equal(trained[f], again[f], 1e-3f * (1 + Math.Abs(trained[f])));
            }

            Assert.True(Cosine(trained[..16], again[..16]) > 0.95, $"user {u}: the folded factors point elsewhere");
        }
    }

    [Fact]
    public void A_known_user_with_an_entry_of_weight_zero_folds_in_to_the_item_item_values_training_gave_them()
    {
        // Training counts every (user, item) entry, a weight of 0 included; fold-in must count the same history.
        var rows = new List<Interaction>(BundleRows(users: 200)) { new("u7", "i100", Value: 0f), new("u7", "i151", Value: 0f) };
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(InteractionLog.Create(rows));
        FactorModel model = Blended(feedback);
        int user = model.Users.GetIndex("u7");
        Assert.Contains(0f, feedback.GetWeights(user).ToArray());
        using var recommender = new Recommender(model);
        ReadOnlySpan<float> trained = model.GetUserFactors(user);
        ReadOnlySpan<float> again = recommender.FoldIn("u7", []).Factors;
        for (int f = 16; f < 40; f++)
        {
            Assert.Equal(trained[f], again[f], 1e-3f * (1 + Math.Abs(trained[f])));
        }
    }

    [Fact]
    public void A_new_session_gets_the_bundle_mates_of_what_it_bought()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(BundleLog());
        // At a rank as large as the catalogue the item-item part is EASE itself, which knows every bundle.
        var options = Plain with { ItemItemWeight = 0.8f, ItemItemRegularization = 10, ItemItemRank = 1024 };
        using var recommender = new Recommender(new ImplicitAlsTrainer(options).Fit(feedback));
        Assert.Equal(16 + feedback.NumberOfItems, recommender.Model.NumberOfFactors);
        FoldedUser session = recommender.FoldIn(null, [new Interaction("s", "i30"), new Interaction("s", "i31")]);
        Recommendation[] top = recommender.ForUser(session, 3).ToArray();
        Assert.Equal("i32", top[0].ItemId);
    }

    [Fact]
    public void Explanations_of_a_blended_model_add_up_to_the_score()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(BundleLog(users: 300));
        using var recommender = new Recommender(Blended(feedback));
        FoldedUser session = recommender.FoldIn(null, [new Interaction("s", "i30"), new Interaction("s", "i31"), new Interaction("s", "i7")]);
        foreach (Recommendation r in recommender.ForUser(session, 5))
        {
            ScoreExplanation explanation = recommender.Explain(session, r.ItemId, 10);
            Assert.Equal(r.Score, explanation.Score, 1e-4f * (1 + Math.Abs(r.Score)));
            float sum = explanation.BaseScore + explanation.Contributions.Sum(c => c.Value) + explanation.OtherContributions;
            Assert.Equal(explanation.Score, sum, 1e-3f * (1 + Math.Abs(explanation.Score)));
        }

        string known = recommender.Model.Users.GetId(5);
        Recommendation first = recommender.ForUser(known, 1).ToArray()[0];
        ScoreExplanation trained = recommender.Explain(known, first.ItemId, 10);
        Assert.Equal(first.Score, trained.Score, 1e-4f * (1 + Math.Abs(first.Score)));
    }

    [Fact]
    public void A_blended_model_saved_and_loaded_folds_in_the_same()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(BundleLog(users: 200));
        FactorModel model = Blended(feedback);
        string path = Path.Combine(Path.GetTempPath(), $"blend-{Guid.NewGuid():N}.pzm");
        try
        {
            ModelFile.Save(model, path);
            FactorModel loaded = ModelFile.Load(path);
            Assert.Equal(model.NumberOfFactors, loaded.NumberOfFactors);
            Assert.Equal(model.Properties[ModelPropertyNames.ItemItemEigenvalues], loaded.Properties[ModelPropertyNames.ItemItemEigenvalues]);
            using var before = new Recommender(model);
            using var after = new Recommender(loaded);
            Interaction[] events = [new("s", "i3"), new("s", "i4")];
            Assert.Equal(before.FoldIn(null, events).Factors.ToArray(), after.FoldIn(null, events).Factors.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_model_whose_item_item_properties_do_not_add_up_is_refused_at_fold_in()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(BundleLog(users: 100));
        FactorModel broken = Blended(feedback).WithProperties([new(ModelPropertyNames.ItemItemEigenvalues, "1,2,3")]);
        using var recommender = new Recommender(broken);
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => recommender.FoldIn(null, [new Interaction("s", "i3")]));
        Assert.Contains("holds 3 values", error.Message);
    }

    [Fact]
    public void A_model_file_whose_item_item_properties_do_not_add_up_is_refused_at_load_naming_the_file_and_the_property()
    {
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(BundleLog(users: 100));
        FactorModel broken = Blended(feedback).WithProperties([new(ModelPropertyNames.ItemItemRank, "999")]);
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
            Assert.Contains(ModelPropertyNames.ItemItemRank, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_tuner_tries_the_blend_after_the_factors_and_keeps_it_on_bundles()
    {
        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(BundleLog(users: 800), baseOptions: new() { NumberOfThreads = 1 });
        AutoTuneTrial<ImplicitAlsTrainer.Options>[] itemItem = result.Trials.Where(t => t.Stage == "item-item").ToArray();
        Assert.InRange(itemItem.Length, 2, 6);
        Assert.All(itemItem, t => Assert.True(t.Options.ItemItemWeight > 0));
        Assert.All(result.Trials.Where(t => t.Stage is not "item-item" and not "popularity"), t => Assert.Equal(0f, t.Options.ItemItemWeight));
        double bestFactorsOnly = result.Trials.Where(t => t.Stage is not "item-item" and not "popularity").Max(t => t.Score);
        Assert.True(result.Options.ItemItemWeight > 0, $"item-item best {itemItem.Max(t => t.Score):F4} vs factors only {bestFactorsOnly:F4}");
        Assert.True(result.Trials.Where(t => t.Stage == "item-item").Max(t => t.Score) > bestFactorsOnly);

        // The first two item-item trials share one run of the epochs; the rest blend the factors of the better one's best epoch.
        int epochs = itemItem.Take(2).MaxBy(t => t.Score)!.Options.NumberOfIterations;
        Assert.All(itemItem.Skip(2), t => Assert.Equal(epochs, t.Options.NumberOfIterations));
        Assert.All(itemItem.Skip(2), t => Assert.Equal(t.EpochsRun, t.Options.NumberOfIterations));
    }

    [Theory]
    [InlineData(0.5f, 300f)]
    [InlineData(0.35f, 100f)]
    public void The_tuner_takes_base_options_that_already_ask_for_a_blend(float weight, float regularization)
    {
        // Every trial is then blended, and the best after the shared pair may be none of the pair (or the pair's first may be a
        // trial already run): the later blends refit the best's factors instead of taking the pair's.
        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(BundleLog(users: 500),
            baseOptions: new() { NumberOfThreads = 2, ItemItemWeight = weight, ItemItemRegularization = regularization });

        Assert.All(result.Trials, t => Assert.True(t.Options.ItemItemWeight > 0, $"trial {t.Number}"));
        Assert.Contains(result.Trials, t => t.Stage == "item-item");
        Assert.True(result.Best.Score > result.BaselineScore);
        FactorModel model = new ImplicitAlsTrainer(result.Options).Fit(FeedbackMatrix.FromLog(BundleLog(users: 500)));
        Assert.Equal(result.Options.NumberOfFactors + result.Options.ItemItemRank, model.NumberOfFactors);
    }

    [Fact]
    public void The_tuner_does_not_try_the_blend_on_a_long_tail_log_with_few_rows_per_item()
    {
        // 6 rows per item on average: co-occurrence counts too thin to estimate item-item weights from.
        var random = new Random(4);
        var rows = new List<Interaction>();
        for (int u = 0; u < 400; u++)
        {
            for (int e = 0; e < 6; e++)
            {
                rows.Add(new Interaction($"u{u}", $"i{(u % 4) * 100 + random.Next(100)}"));
            }
        }

        AutoTuneResult<ImplicitAlsTrainer.Options> result = AutoTuner.TuneImplicit(InteractionLog.Create(rows), baseOptions: new() { NumberOfThreads = 1 });
        Assert.True(result.Trials.Count > 12);
        Assert.DoesNotContain(result.Trials, t => t.Stage == "item-item" || t.Options.ItemItemWeight > 0);
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
