using System.ComponentModel.DataAnnotations;
using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Training;

/// <summary><see cref="BiasedMatrixFactorizationTrainer.Options.UseBayesianSampling"/>: what it learns, its determinism, the model it
/// stores, and the tuner's choice of it.</summary>
public sealed class BayesianSamplingTests
{
    private static readonly BiasedMatrixFactorizationTrainer.Options Bayesian = new()
    {
        UseBayesianSampling = true,
        NumberOfFactors = 8,
        NumberOfIterations = 40,
        NumberOfThreads = 2,
    };

    private static double Rmse(FactorModel model, InteractionLog test) => Evaluation.HyperparameterSearchTests.Rmse(model, test);

    [Fact]
    public void It_learns_the_ratings_structure_as_well_as_sgd_with_its_defaults_and_far_better_than_the_biases()
    {
        var (train, test) = RatedItemsTests.Generated(seed: 3, taste: 0);
        RatingMatrix data = RatingMatrix.FromLog(train);

        double biases = Rmse(BiasBaseline.Fit(data), test);
        double sgd = Rmse(new BiasedMatrixFactorizationTrainer(new() { NumberOfThreads = 2 }).Fit(data), test);
        double bayesian = Rmse(new BiasedMatrixFactorizationTrainer(Bayesian).Fit(data), test);

        Assert.True(bayesian < biases * 0.95, $"Bayesian {bayesian:F4}; biases {biases:F4}");
        Assert.True(bayesian < sgd * 1.01, $"Bayesian {bayesian:F4}; SGD with its defaults {sgd:F4}");
    }

    [Theory]
    [InlineData(4)]
    [InlineData(12)]
    [InlineData(25)]
    public void The_model_after_sweep_e_of_a_longer_run_is_the_model_of_e_sweeps(int sweeps)
    {
        // What a search scores (a snapshot of a long run) must be what its options train: below 20 sweeps the burn-in was half the
        // run, so a 12-sweep fit gave RMSE 0.5172 where the snapshot at sweep 12 of 30 had scored 0.5265.
        RatingMatrix data = RatingMatrix.FromLog(RatedItemsTests.Generated(seed: 5, taste: 0, users: 200, items: 100).Train);
        FactorModel? snapshot = null;
        _ = new BiasedMatrixFactorizationTrainer(Bayesian with { NumberOfIterations = 30 }).Fit(data, null, (sweep, model) =>
        {
            snapshot = sweep == sweeps ? model : snapshot;
            return sweep < sweeps;
        }, CancellationToken.None);

        FactorModel fit = new BiasedMatrixFactorizationTrainer(Bayesian with { NumberOfIterations = sweeps }).Fit(data);

        Assert.NotNull(snapshot);
        Assert.Equal(fit.UserFactors.ToArray(), snapshot.UserFactors.ToArray());
        Assert.Equal(fit.ItemFactors.ToArray(), snapshot.ItemFactors.ToArray());
        Assert.Equal(fit.GlobalBias, snapshot.GlobalBias);
        Assert.Equal((sweeps.ToString(System.Globalization.CultureInfo.InvariantCulture), sweeps.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (fit.Properties[ModelPropertyNames.Epochs], snapshot.Properties[ModelPropertyNames.Epochs]));   // the snapshot said 30
    }

    [Fact]
    public void The_model_is_the_same_for_any_thread_count_and_changes_with_the_seed()
    {
        RatingMatrix data = RatingMatrix.FromLog(RatedItemsTests.Generated(seed: 5, taste: 0, users: 300, items: 150).Train);
        var options = Bayesian with { NumberOfIterations = 12 };

        FactorModel one = new BiasedMatrixFactorizationTrainer(options with { NumberOfThreads = 1 }).Fit(data);
        FactorModel three = new BiasedMatrixFactorizationTrainer(options with { NumberOfThreads = 3 }).Fit(data);
        FactorModel other = new BiasedMatrixFactorizationTrainer(options with { Seed = 7 }).Fit(data);

        Assert.Equal(one.UserFactors.ToArray(), three.UserFactors.ToArray());
        Assert.Equal(one.ItemFactors.ToArray(), three.ItemFactors.ToArray());
        Assert.Equal(Enumerable.Range(0, data.Users.Count).Select(one.GetUserBias), Enumerable.Range(0, data.Users.Count).Select(three.GetUserBias));
        Assert.Equal(Enumerable.Range(0, data.Items.Count).Select(one.GetItemBias), Enumerable.Range(0, data.Items.Count).Select(three.GetItemBias));
        Assert.Equal(one.GlobalBias, three.GlobalBias);
        Assert.NotEqual(one.UserFactors.ToArray(), other.UserFactors.ToArray());
    }

    [Fact]
    public void The_stored_model_is_centred_so_unknown_people_get_the_item_biases_and_records_how_it_was_made()
    {
        RatingMatrix data = RatingMatrix.FromLog(RatedItemsTests.Generated(seed: 9, taste: 0, users: 400, items: 120).Train);

        FactorModel model = new BiasedMatrixFactorizationTrainer(Bayesian with { NumberOfIterations = 20 }).Fit(data);

        int rank = model.NumberOfFactors;
        Assert.Equal(Bayesian.NumberOfFactors, rank);
        float[] users = model.UserFactors.ToArray();
        for (int f = 0; f < rank; f++)
        {
            double mean = Enumerable.Range(0, data.Users.Count).Average(u => (double)users[(u * rank) + f]);
            Assert.True(Math.Abs(mean) < 1e-4, $"factor {f}: mean over users {mean}");
        }

        Assert.True(Math.Abs(Enumerable.Range(0, data.Users.Count).Average(u => (double)model.GetUserBias(u))) < 1e-4);
        // A newcomer's predicted rating is the global mean plus the item's bias; it should follow the items' mean ratings.
        var sums = new double[data.Items.Count];
        var counts = new int[data.Items.Count];
        for (int e = 0; e < data.Count; e++)
        {
            sums[data.ItemIndices[e]] += data.Ratings[e];
            counts[data.ItemIndices[e]]++;
        }

        double fromModel = 0, fromMean = 0;
        for (int i = 0; i < data.Items.Count; i++)
        {
            double itemMean = sums[i] / counts[i];
            double cold = model.PredictRating("someone new", data.Items.GetId(i));
            Assert.Equal(Math.Clamp(model.GlobalBias + model.GetItemBias(i), data.MinRating, data.MaxRating), cold, 1e-4);
            fromModel += counts[i] * (cold - itemMean) * (cold - itemMean);
            fromMean += counts[i] * (data.Mean - itemMean) * (data.Mean - itemMean);
        }

        Assert.True(fromModel < fromMean * 0.5, $"newcomers' squared gap to the item means {fromModel:F1}; the global mean's {fromMean:F1}");
        Assert.Equal("true", model.Properties[ModelPropertyNames.Bayesian]);
        Assert.False(model.Properties.ContainsKey(ModelPropertyNames.LearningRate));
        Assert.Equal("20", model.Properties[ModelPropertyNames.Epochs]);
        float factorRegularization = float.Parse(model.Properties[ModelPropertyNames.FactorRegularization], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(factorRegularization > 0 && float.IsFinite(factorRegularization), $"recorded factor regularization {factorRegularization}");
        Assert.False(new BiasedMatrixFactorizationTrainer(new() { NumberOfIterations = 2 }).Fit(data).Properties.ContainsKey(ModelPropertyNames.Bayesian));
    }

    [Fact]
    public void Each_sweep_is_reported_and_the_callback_can_stop_it()
    {
        RatingMatrix data = RatingMatrix.FromLog(RatedItemsTests.Generated(seed: 11, taste: 0, users: 200, items: 80).Train);
        var reports = new List<TrainingProgress>();
        var seen = new List<int>();

        FactorModel model = new BiasedMatrixFactorizationTrainer(Bayesian with { NumberOfIterations = 30 }).Fit(data, new InlineProgress(reports.Add),
            (sweep, _) =>
            {
                seen.Add(sweep);
                return sweep < 15;
            }, CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, 15), seen);
        Assert.Equal(Enumerable.Range(1, 15), reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.True(r.Loss > 0 && double.IsFinite(r.Loss)));
        Assert.NotNull(model);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => new BiasedMatrixFactorizationTrainer(Bayesian).Fit(data, null, cancelled.Token));
    }

    [Fact]
    public void Folding_in_a_user_with_the_recorded_regularization_predicts_their_held_out_ratings_about_as_well_as_training_did()
    {
        var (train, test) = RatedItemsTests.Generated(seed: 13, taste: 0, users: 500, items: 150);
        RatingMatrix data = RatingMatrix.FromLog(train);
        FactorModel model = new BiasedMatrixFactorizationTrainer(Bayesian).Fit(data);
        using var recommender = new Personalize.Core.Recommending.Recommender(model);
        int rank = model.NumberOfFactors;
        float[] items = model.ItemFactors.ToArray();
        var vector = new float[rank];
        var rated = new Dictionary<int, List<(int Item, float Rating)>>();
        for (int e = 0; e < data.Count; e++)
        {
            int u = data.UserIndices[e];
            if (u < 200)
            {
                (rated.TryGetValue(u, out var list) ? list : rated[u] = []).Add((data.ItemIndices[e], data.Ratings[e]));
            }
        }

        double trained = 0, folded = 0, biases = 0;
        int scored = 0;
        var foldedUsers = new Dictionary<int, (float Bias, float[] Vector)>();
        for (int row = 0; row < test.Count; row++)
        {
            string userId = test.Users.GetId(test.UserIndices[row]), itemId = test.Items.GetId(test.ItemIndices[row]);
            if (!data.Users.TryGetIndex(userId, out int u) || u >= 200 || !data.Items.TryGetIndex(itemId, out int i))
            {
                continue;
            }

            if (!foldedUsers.TryGetValue(u, out var user))
            {
                List<(int Item, float Rating)> list = rated[u];
                float bias = recommender.FoldIn(null, [.. list.Select(x => x.Item)], [.. list.Select(x => x.Rating)], vector);
                foldedUsers[u] = user = (bias, (float[])vector.Clone());
            }

            double dot = Enumerable.Range(0, rank).Sum(f => (double)user.Vector[f] * items[(i * rank) + f]);
            double fromFold = Math.Clamp(model.GlobalBias + user.Bias + model.GetItemBias(i) + dot, data.MinRating, data.MaxRating);
            double actual = test.Ratings[row];
            trained += Math.Pow(model.PredictRating(userId, itemId) - actual, 2);
            folded += Math.Pow(fromFold - actual, 2);
            biases += Math.Pow(Math.Clamp(model.GlobalBias + model.GetItemBias(i), data.MinRating, data.MaxRating) - actual, 2);
            scored++;
        }

        Assert.True(scored > 300, $"{scored} held-out ratings");
        (trained, folded, biases) = (Math.Sqrt(trained / scored), Math.Sqrt(folded / scored), Math.Sqrt(biases / scored));
        Assert.True(folded < trained * 1.03, $"folded in: {folded:F4}; as trained: {trained:F4}");
        Assert.True(folded < biases * 0.95, $"folded in: {folded:F4}; item biases alone: {biases:F4}");
    }

    [Fact]
    public void It_cannot_be_combined_with_several_models()
    {
        var error = Assert.Throws<ValidationException>(() => new BiasedMatrixFactorizationTrainer(Bayesian with { NumberOfModels = 2 }));

        Assert.Contains("UseBayesianSampling", error.Message);
        Assert.Contains("cannot be combined with NumberOfModels (2)", error.Message);
    }

    [Fact]
    public void With_rated_items_it_learns_from_who_rated_what_where_people_rate_what_they_like()
    {
        // Taste-driven: people mostly rate what they like, so who rated an item says something about it.
        var (train, test) = RatedItemsTests.Generated(seed: 3, taste: 1.5);
        RatingMatrix data = RatingMatrix.FromLog(train);

        FactorModel plain = new BiasedMatrixFactorizationTrainer(Bayesian).Fit(data);
        FactorModel rated = new BiasedMatrixFactorizationTrainer(Bayesian with { UseRatedItems = true }).Fit(data);

        double without = Rmse(plain, test), with = Rmse(rated, test);
        Assert.True(with < without * 0.97, $"with rated items {with:F4}; without {without:F4}");
        Assert.Equal("true", rated.Properties[ModelPropertyNames.RatedItems]);
        Assert.Equal("true", rated.Properties[ModelPropertyNames.Bayesian]);
        Assert.Equal(plain.NumberOfFactors, rated.NumberOfFactors);
    }

    [Fact]
    public void With_rated_items_the_model_is_the_same_for_any_thread_count()
    {
        RatingMatrix data = RatingMatrix.FromLog(RatedItemsTests.Generated(seed: 5, taste: 1.5, users: 300, items: 150).Train);
        var options = Bayesian with { NumberOfIterations = 12, UseRatedItems = true };

        FactorModel one = new BiasedMatrixFactorizationTrainer(options with { NumberOfThreads = 1 }).Fit(data);
        FactorModel three = new BiasedMatrixFactorizationTrainer(options with { NumberOfThreads = 3 }).Fit(data);
        FactorModel plain = new BiasedMatrixFactorizationTrainer(options with { UseRatedItems = false }).Fit(data);

        Assert.Equal(one.UserFactors.ToArray(), three.UserFactors.ToArray());
        Assert.Equal(one.ItemFactors.ToArray(), three.ItemFactors.ToArray());
        Assert.Equal(one.GlobalBias, three.GlobalBias);
        Assert.NotEqual(one.ItemFactors.ToArray(), plain.ItemFactors.ToArray());
    }

    [Fact]
    public void The_tuner_tries_it_and_chooses_the_best_trial()
    {
        var (train, _) = RatedItemsTests.Generated(seed: 4, taste: 0, users: 300, items: 120);

        AutoTuneResult<BiasedMatrixFactorizationTrainer.Options> result = AutoTuner.TuneExplicit(train);

        AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options>[] trials = [.. result.Trials.Where(t => t.Stage == "bayesian")];
        Assert.Equal(2, trials.Length);
        Assert.All(trials, t => Assert.True(t.Options.UseBayesianSampling));
        Assert.All(trials, t => Assert.True(t.EpochsRun >= 20, $"{t.EpochsRun} sweeps"));
        Assert.False(trials[0].Options.UseRatedItems);
        Assert.True(trials[1].Options.UseRatedItems);
        Assert.DoesNotContain(result.Trials, t => t.Stage == "all users");
        Assert.Equal(result.Trials.Min(t => t.Score), result.Best.Score);
        Assert.Equal(result.Best.Options.UseBayesianSampling, result.Options.UseBayesianSampling);
    }

    [Fact]
    public void The_tuners_bayesian_trial_with_rated_items_runs_on_where_people_rate_what_they_like_and_gives_up_early_elsewhere()
    {
        var (driven, _) = RatedItemsTests.Generated(seed: 12, taste: 1.5, users: 400, items: 150);
        var (independent, _) = RatedItemsTests.Generated(seed: 12, taste: 0, users: 400, items: 150);

        AutoTuneResult<BiasedMatrixFactorizationTrainer.Options> kept = AutoTuner.TuneExplicit(driven);
        AutoTuneResult<BiasedMatrixFactorizationTrainer.Options> dropped = AutoTuner.TuneExplicit(independent);

        AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options> rated = kept.Trials.Single(t => t.Stage == "bayesian" && t.Options.UseRatedItems);
        AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options> plain = kept.Trials.Single(t => t.Stage == "bayesian" && !t.Options.UseRatedItems);
        Assert.True(rated.Score < plain.Score, $"rated items {rated.Score:F4}; plain {plain.Score:F4}");
        Assert.True(rated.EpochsRun > 50, $"{rated.EpochsRun} sweeps");

        rated = dropped.Trials.Single(t => t.Stage == "bayesian" && t.Options.UseRatedItems);
        plain = dropped.Trials.Single(t => t.Stage == "bayesian" && !t.Options.UseRatedItems);
        Assert.Equal(50, rated.EpochsRun);
        Assert.True(rated.Score > plain.Score, $"rated items {rated.Score:F4}; plain {plain.Score:F4}");
        Assert.False(dropped.Options.UseRatedItems);
    }

    [Fact]
    public void When_users_are_sampled_and_rated_items_win_on_the_sample_the_choice_uses_them_with_at_most_100_sweeps()
    {
        var (train, _) = RatedItemsTests.Generated(seed: 14, taste: 2.0, users: 900, items: 150);

        AutoTuneResult<BiasedMatrixFactorizationTrainer.Options> result = AutoTuner.TuneExplicit(train, options: new AutoTuneOptions { MaxTuningRows = 12_000 });

        AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options>[] sample = [.. result.Trials.Where(t => t.Stage == "bayesian")];
        Assert.True(sample[1].Score < sample[0].Score, $"rated items {sample[1].Score:F4}; plain {sample[0].Score:F4}");
        Assert.Same(sample[1], result.Best);
        Assert.True(result.Options.UseBayesianSampling && result.Options.UseRatedItems);
        // On a sample the trial with rated items runs at most 100 sweeps (this one runs to the end), and the final fit over every
        // user as many as validated best, this log being far below the budget of work.
        Assert.Equal(100, sample[1].EpochsRun);
        Assert.Equal(sample[1].Options, result.Options);
        Assert.True(result.TuningRows < train.Count);
    }

    [Theory]
    [InlineData(469_960, 3_000, 3_600, true, 150, 83)]      // MovieLens-shaped: the budget binds below the cap of 100
    [InlineData(469_960, 3_000, 3_600, false, 150, 150)]    // plain sweeps cost a third: 249 affordable, the options' own 150
    [InlineData(539_318, 20_000, 9_999, true, 100, 43)]     // sparser, more users and items
    [InlineData(539_318, 20_000, 9_999, false, 150, 131)]
    [InlineData(539_318, 20_000, 9_999, true, 40, 40)]      // never more than validated best
    [InlineData(10_000, 300, 200, true, 150, 100)]          // a small log: the cap of 100 with rated items
    [InlineData(10_000, 300, 200, true, 12, 12)]            // and never more than validated best, even below 20
    [InlineData(10_000_000, 1_000_000, 100_000, true, 100, 20)] // at least 20
    [InlineData(10_000_000, 1_000_000, 100_000, false, 150, 20)]
    [InlineData(2_000_000, 50_000, 20_000, false, 150, 44)]
    public void A_bayesian_fit_over_the_whole_log_after_a_sample_keeps_within_a_budget_of_work(long rows, int users, int items, bool rated,
        int sweeps, int expected)
    {
        var options = new BiasedMatrixFactorizationTrainer.Options { UseBayesianSampling = true, UseRatedItems = rated, NumberOfIterations = sweeps };

        Assert.Equal(expected, AutoTuner.BayesianSweepsWithin(rows, users, items, options));
    }

    [Fact]
    public void When_bayesian_sampling_already_validates_better_on_the_sample_no_trial_runs_on_every_user_and_it_is_chosen()
    {
        var (train, test) = RatedItemsTests.Generated(seed: 23, taste: 1.0, users: 1500, items: 200);

        AutoTuneResult<BiasedMatrixFactorizationTrainer.Options> result = AutoTuner.TuneExplicit(train, options: new AutoTuneOptions { MaxTuningRows = 20_000 });

        AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options> bestSgd = result.Trials.Where(t => !t.Options.UseBayesianSampling).MinBy(t => t.Score)!;
        AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options> bestBayesian = result.Trials.Where(t => t.Stage == "bayesian").MinBy(t => t.Score)!;
        Assert.True(bestBayesian.Score < bestSgd.Score, $"Bayesian sampling {bestBayesian.Score:F4}; best SGD {bestSgd.Score:F4}");
        Assert.DoesNotContain(result.Trials, t => t.Stage == "all users");
        Assert.Same(bestBayesian, result.Best);
        Assert.True(result.Options.UseBayesianSampling);
        Assert.True(result.TuningRows < train.Count);
        // Why no trial on every user is needed: Bayesian sampling gains more from more users than SGD does, so trained on every user
        // the choice tests better than the best SGD options trained the same way.
        double chosen = Rmse(new BiasedMatrixFactorizationTrainer(result.Options).Fit(RatingMatrix.FromLog(train)), test);
        double sgd = Rmse(new BiasedMatrixFactorizationTrainer(bestSgd.Options).Fit(RatingMatrix.FromLog(train)), test);
        Assert.True(chosen < sgd, $"chosen {chosen:F4}; best SGD options {sgd:F4}");
    }

    [Theory]
    [InlineData(2, true, false)]
    [InlineData(1, false, true)]
    public void The_tuner_varies_the_models_kind_itself_whatever_the_base_options_ask_for(int models, bool ratedItems, bool bayesian)
    {
        var (train, _) = RatedItemsTests.Generated(seed: 8, taste: 0, users: 150, items: 60);

        AutoTuneResult<BiasedMatrixFactorizationTrainer.Options> result = AutoTuner.TuneExplicit(train,
            baseOptions: new BiasedMatrixFactorizationTrainer.Options
            {
                NumberOfModels = models, UseRatedItems = ratedItems, UseBayesianSampling = bayesian, NumberOfThreads = 2,
            });

        Assert.All(result.Trials.Where(t => t.Stage is "default" or "grid" or "refine" or "factors"),
            t => Assert.False(t.Options.UseBayesianSampling || t.Options.UseRatedItems || t.Options.NumberOfModels > 1, $"trial {t.Number}"));
        AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options> trial = result.Trials.First(t => t.Stage == "bayesian");
        Assert.True(trial.Options.UseBayesianSampling);
        Assert.Equal(1, trial.Options.NumberOfModels);
        Assert.False(trial.Options.UseRatedItems);
        Assert.True(double.IsFinite(trial.Score));
    }

    [Fact]
    public void When_users_are_sampled_for_tuning_the_best_sgd_options_and_bayesian_sampling_meet_on_every_user()
    {
        var (train, _) = RatedItemsTests.Generated(seed: 6, taste: 0, users: 500, items: 120);

        AutoTuneResult<BiasedMatrixFactorizationTrainer.Options> result = AutoTuner.TuneExplicit(train, options: new AutoTuneOptions { MaxTuningRows = 5_000 });

        AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options>[] final = [.. result.Trials.Where(t => t.Stage == "all users")];
        // Here the best SGD options validated better than Bayesian sampling on the sample, so both meet again on every user.
        Assert.True(result.Trials.Where(t => t.Stage != "all users" && !t.Options.UseBayesianSampling).Min(t => t.Score)
            < result.Trials.Where(t => t.Stage == "bayesian").Min(t => t.Score));
        Assert.Equal(2, final.Length);
        Assert.False(final[0].Options.UseBayesianSampling);
        Assert.True(final[1].Options.UseBayesianSampling);
        // On the sample: plain Bayesian sampling, then with rated items; here what is rated does not depend on taste, so rated items
        // lose there and the "all users" trial is plain.
        AutoTuneTrial<BiasedMatrixFactorizationTrainer.Options>[] sample = [.. result.Trials.Where(t => t.Stage == "bayesian")];
        Assert.Equal(2, sample.Length);
        Assert.False(sample[0].Options.UseRatedItems);
        Assert.True(sample[1].Options.UseRatedItems);
        Assert.True(sample[1].Score > sample[0].Score, $"rated items {sample[1].Score:F4}; plain {sample[0].Score:F4}");
        Assert.False(final[1].Options.UseRatedItems);
        Assert.Equal(final[0].Options with { NumberOfIterations = 0 },
            result.Trials.Where(t => t.Stage != "all users" && !t.Options.UseBayesianSampling).MinBy(t => t.Score)!.Options with { NumberOfIterations = 0 });
        // The sampled trials trained on fewer users; the two on every user validate better than all of them.
        double sampled = result.Trials.Where(t => t.Stage != "all users").Min(t => t.Score);
        Assert.True(final.Max(t => t.Score) < sampled, $"all users: {final[0].Score:F4} / {final[1].Score:F4}; best sampled {sampled:F4}");
        Assert.Contains(result.Best, final);
        Assert.True(result.TuningRows < train.Count);
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(8, 3)]
    [InlineData(12, 130)]
    [InlineData(36, 57)]
    [InlineData(68, 9)]
    public void The_blocked_gram_kernel_adds_the_same_lower_triangle_as_the_plain_sums(int stride, int count)
    {
        var random = new Random(stride * 1000 + count);
        double[] z = [.. Enumerable.Range(0, stride * count).Select(_ => random.NextDouble() - 0.5)];
        double[] start = [.. Enumerable.Range(0, stride * stride).Select(_ => random.NextDouble())];
        double[] gram = (double[])start.Clone();

        BayesianSampler.AddGram(gram, stride, z, count);

        for (int row = 0; row < stride; row++)
        {
            for (int column = 0; column <= row; column++)
            {
                double expected = start[(row * stride) + column];
                for (int e = 0; e < count; e++)
                {
                    expected += z[(e * stride) + row] * z[(e * stride) + column];
                }

                Assert.Equal(expected, gram[(row * stride) + column], 1e-9);
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(33)]
    public void The_fused_kernel_adds_the_scaled_float_matrix_and_its_product_as_the_plain_loops_do(int k)
    {
        var random = new Random(k);
        double[] Draw(int n) => [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5)];
        float[] gram = [.. Draw(k * k).Select(x => (float)x)];
        double[] a = Draw(k * k), w = Draw(k), b = Draw(k);
        double[] expectedA = (double[])a.Clone(), expectedB = (double[])b.Clone();
        for (int x = 0; x < k; x++)
        {
            double dot = 0;
            for (int y = 0; y < k; y++)
            {
                expectedA[(x * k) + y] += 0.7 * gram[(x * k) + y];
                dot += gram[(x * k) + y] * w[y];
            }

            expectedB[x] += 0.7 * dot;
        }

        BayesianSampler.AddScaledAndMultiply(gram, 0.7, a, w, b, k);

        Assert.Equal(expectedA, a, (p, q) => Math.Abs(p - q) < 1e-12);
        Assert.Equal(expectedB, b, (p, q) => Math.Abs(p - q) < 1e-12);
    }

    [Fact]
    public void A_sweep_turned_away_from_the_sums_is_turned_back_before_it_is_added()
    {
        const int k = 5, users = 30, items = 20;
        var random = new Random(11);
        double[] Rows(int count) => [.. Enumerable.Range(0, count * (k + 2)).Select(_ => random.NextDouble() - 0.5)];
        double[] userSum = Rows(users), itemSum = Rows(items);
        double[] turn = RotationTests.RandomRotation(k, random);
        double[] userRows = Turned(userSum, users, turn), itemRows = Turned(itemSum, items, turn);
        double[] expectedUsers = [.. userSum.Select(x => 2 * x)], expectedItems = [.. itemSum.Select(x => 2 * x)];

        BayesianSampler.AddAligned(userRows, itemRows, userSum, itemSum, users, items, k, first: false);

        Assert.Equal(expectedUsers, userSum, (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Equal(expectedItems, itemSum, (a, b) => Math.Abs(a - b) < 1e-9);
        // The first sweep has nothing to be turned to: it is added as it is.
        double[] empty = new double[users * (k + 2)], emptyItems = new double[items * (k + 2)];
        BayesianSampler.AddAligned(userRows, itemRows, empty, emptyItems, users, items, k, first: true);
        Assert.Equal(userRows, empty);

        static double[] Turned(double[] rows, int count, double[] turn)
        {
            // Each row's factors times turnᵀ (so turning by turn brings them back); the bias and the constant kept.
            var turned = (double[])rows.Clone();
            for (int r = 0; r < count; r++)
            {
                for (int b = 0; b < k; b++)
                {
                    double s = 0;
                    for (int a = 0; a < k; a++)
                    {
                        s += rows[(r * (k + 2)) + a] * turn[(b * k) + a];
                    }

                    turned[(r * (k + 2)) + b] = s;
                }
            }

            return turned;
        }
    }

    [Fact]
    public void The_mean_of_the_sweeps_keeps_improving_over_long_runs_on_a_small_log()
    {
        // Summed without turning them into line, the sweeps' factors drift apart and the mean's predictions got worse after 100-150
        // sweeps on small logs; with it, the last of 150 sweeps predicts at least as well as the best of the first 60.
        var (train, test) = RatedItemsTests.Generated(seed: 21, taste: 0, users: 150, items: 80);
        RatingMatrix data = RatingMatrix.FromLog(train);
        var curve = new List<double>();
        FactorModel model = new BiasedMatrixFactorizationTrainer(Bayesian with { NumberOfIterations = 150 })
            .Fit(data, null, (sweep, m) => { curve.Add(Rmse(m, test)); return true; }, default);

        double earlyBest = curve.Take(60).Min(), last = Rmse(model, test);
        Assert.True(last <= earlyBest * 1.002, $"after 150 sweeps {last:F4}; best of the first 60 {earlyBest:F4}");
    }

    private sealed class InlineProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
