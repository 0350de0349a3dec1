using System.ComponentModel.DataAnnotations;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.Core.Tests.Training;

public sealed class BiasedMatrixFactorizationTrainerTests
{
    /// <summary>The planted noise σ of samples/data/ratings.csv (see samples/data/README.md).</summary>
    private const double SampleNoise = 0.5;

    private static (RatingMatrix Train, InteractionLog Test) SampleSplit()
    {
        InteractionLog log = InteractionLog.ReadCsv(Path.Combine(SampleData.Folder, "ratings.csv"));
        var random = new Random(7);
        List<int> train = [], test = [];
        for (int row = 0; row < log.Count; row++)
        {
            (random.NextDouble() < 0.8 ? train : test).Add(row);
        }

        return (RatingMatrix.FromLog(log.Subset(train)), log.Subset(test));
    }

    private static double Rmse(FactorModel model, InteractionLog test)
    {
        double squared = 0;
        for (int row = 0; row < test.Count; row++)
        {
            double error = model.PredictRating(test.Users.GetId(test.UserIndices[row]), test.Items.GetId(test.ItemIndices[row])) - test.Ratings[row];
            squared += error * error;
        }

        return Math.Sqrt(squared / test.Count);
    }

    /// <summary>A noise-free rank-2 rating matrix of 60 users × 40 items, every pair rated.</summary>
    private static RatingMatrix Planted(int seed)
    {
        var random = new Random(seed);
        var rows = new List<Interaction>();
        double[][] users = Enumerable.Range(0, 60).Select(_ => new[] { random.NextDouble() - 0.5, random.NextDouble() - 0.5 }).ToArray();
        double[][] items = Enumerable.Range(0, 40).Select(_ => new[] { random.NextDouble() - 0.5, random.NextDouble() - 0.5 }).ToArray();
        for (int u = 0; u < users.Length; u++)
        {
            for (int i = 0; i < items.Length; i++)
            {
                double r = 3 + 2 * (users[u][0] * items[i][0] + users[u][1] * items[i][1]) + 0.3 * users[u][0] - 0.2 * items[i][1];
                rows.Add(new Interaction($"u{u}", $"i{i}", Rating: (float)r));
            }
        }

        return RatingMatrix.FromLog(InteractionLog.Create(rows));
    }

    [Fact]
    public void Options_have_the_documented_defaults()
    {
        var options = new BiasedMatrixFactorizationTrainer.Options();
        Assert.Equal(32, options.NumberOfFactors);
        Assert.Equal(50, options.NumberOfIterations);
        Assert.Equal(0.02f, options.LearningRate);
        Assert.Equal(0.95f, options.LearningRateDecay);
        Assert.Equal(3f, options.FactorRegularization);
        Assert.Equal(0.03f, options.RatingRegularization);
        Assert.Equal(7f, options.BiasRegularization);
        Assert.Equal(0.5f, options.InitialScale);
        Assert.Equal(42, options.Seed);
        Assert.Equal(1, options.NumberOfModels);
        Assert.Null(options.NumberOfThreads);
    }

    [Fact]
    public void An_average_of_models_is_exactly_the_average_of_the_single_models_it_holds()
    {
        // The first model of a fit uses Seed, the second Seed + 7919 (as a single fit with that seed would); one dot product over the
        // stored rows must give the average of their predictions.
        (RatingMatrix train, _) = SampleSplit();
        var options = new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 8, NumberOfIterations = 6, NumberOfThreads = 2 };
        FactorModel first = new BiasedMatrixFactorizationTrainer(options).Fit(train);
        FactorModel second = new BiasedMatrixFactorizationTrainer(options with { Seed = options.Seed + 7919 }).Fit(train);

        FactorModel both = new BiasedMatrixFactorizationTrainer(options with { NumberOfModels = 2 }).Fit(train);

        Assert.Equal(16, both.NumberOfFactors);
        Assert.Equal("8", both.Properties[ModelPropertyNames.Factors]);
        Assert.Equal("2", both.Properties[ModelPropertyNames.Models]);
        Assert.False(first.Properties.ContainsKey(ModelPropertyNames.Models));
        double largest = 0;
        for (int e = 0; e < train.Count; e += 7)
        {
            int user = train.UserIndices[e], item = train.ItemIndices[e];
            float expected = (first.Score(user, item) + second.Score(user, item)) / 2;
            largest = Math.Max(largest, Math.Abs(both.Score(user, item) - expected));
        }

        Assert.True(largest < 1e-4, $"the stored average differs from the average of the two models by up to {largest:G3}");
    }

    [Fact]
    public void Averaging_three_models_predicts_held_out_ratings_better_than_one()
    {
        // The MovieLens-like case in miniature: many ratings per user, a rank above what the data pins down, so each start ends
        // somewhere else. The baseline is the first of the three models, trained alone in this test.
        var random = new Random(11);
        int users = 300, items = 200, rank = 6;
        double[][] x = Enumerable.Range(0, users).Select(_ => Enumerable.Range(0, rank).Select(_ => random.NextDouble() - 0.5).ToArray()).ToArray();
        double[][] y = Enumerable.Range(0, items).Select(_ => Enumerable.Range(0, rank).Select(_ => random.NextDouble() - 0.5).ToArray()).ToArray();
        List<Interaction> train = [], test = [];
        for (int u = 0; u < users; u++)
        {
            for (int i = 0; i < items; i++)
            {
                if (random.NextDouble() < 0.3)
                {
                    double r = 3 + (3 * x[u].Zip(y[i], (a, b) => a * b).Sum()) + (0.5 * (random.NextDouble() - 0.5) * 2);
                    (random.NextDouble() < 0.9 ? train : test).Add(new Interaction($"u{u}", $"i{i}", Rating: (float)r));
                }
            }
        }

        RatingMatrix data = RatingMatrix.FromLog(InteractionLog.Create(train));
        InteractionLog held = InteractionLog.Create(test);
        var options = new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 32, NumberOfIterations = 20, NumberOfThreads = 2 };

        double one = Rmse(new BiasedMatrixFactorizationTrainer(options).Fit(data), held);
        double three = Rmse(new BiasedMatrixFactorizationTrainer(options with { NumberOfModels = 3 }).Fit(data), held);

        // The gain is small on real ratings too (Jester 3.938 → 3.927, 0.3 %): at least 0.1 % here.
        Assert.True(three < one * 0.999, $"3 models: held-out RMSE {three:F4}; 1 model: {one:F4}");
    }

    [Fact]
    public void More_models_than_the_factor_limit_allows_are_refused()
    {
        var options = new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 512, NumberOfModels = 3 };

        var exception = Assert.Throws<ValidationException>(() => new BiasedMatrixFactorizationTrainer(options));

        Assert.Contains("NumberOfModels = 3: times NumberOfFactors (512) must be at most 1024", exception.Message);
        Assert.Throws<ValidationException>(() => new BiasedMatrixFactorizationTrainer(new() { NumberOfModels = 0 }));
    }

    [Fact]
    public void Invalid_options_are_reported_together()
    {
        var options = new BiasedMatrixFactorizationTrainer.Options { LearningRate = 0, FactorRegularization = -1, NumberOfFactors = 2000 };

        var exception = Assert.Throws<ValidationException>(() => new BiasedMatrixFactorizationTrainer(options));

        Assert.Equal("BiasedMatrixFactorizationTrainer.Options is invalid (3 errors): NumberOfFactors = 2000: must be between 1 and 1024. "
            + "LearningRate = 0: must be between 1E-06 and 1. FactorRegularization = -1: must be between 0 and 10000.", exception.Message);
    }

    [Fact]
    public void On_the_sample_held_out_rmse_is_within_5_percent_of_the_noise_and_below_the_bias_baseline()
    {
        (RatingMatrix train, InteractionLog test) = SampleSplit();

        double model = Rmse(new BiasedMatrixFactorizationTrainer().Fit(train), test);
        double biases = Rmse(BiasBaseline.Fit(train), test);
        double mean = Rmse(BiasBaseline.GlobalMean(train), test);

        Assert.True(model <= 1.05 * SampleNoise, $"held-out RMSE {model:F4} is more than 5% above σ = {SampleNoise}");
        Assert.True(model < biases, $"held-out RMSE {model:F4} is not below the bias baseline's {biases:F4}");
        Assert.True(biases < mean, $"the bias baseline {biases:F4} is not below the global mean's {mean:F4}");
    }

    [Fact]
    public void A_noise_free_low_rank_matrix_is_fitted_closely()
    {
        RatingMatrix data = Planted(seed: 3);
        FactorModel model = new BiasedMatrixFactorizationTrainer(new() { NumberOfFactors = 4, NumberOfIterations = 300, FactorRegularization = 0.01f, BiasRegularization = 0.01f, LearningRateDecay = 0.99f, NumberOfThreads = 1 })
            .Fit(data);

        double squared = 0;
        for (int e = 0; e < data.Count; e++)
        {
            double error = model.PredictRating(data.UserIndices[e], data.ItemIndices[e]) - data.Ratings[e];
            squared += error * error;
        }

        Assert.True(Math.Sqrt(squared / data.Count) < 0.05, $"training RMSE {Math.Sqrt(squared / data.Count):F4}");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(5, 1)]
    [InlineData(17, 2)]
    [InlineData(33, 3)]
    public void Any_rank_and_thread_count_fits_a_noise_free_matrix(int rank, int threads)
    {
        // The kernel pads rows to 16 floats: the padding must stay out of the predictions whatever the rank.
        RatingMatrix data = Planted(seed: 5);
        FactorModel model = new BiasedMatrixFactorizationTrainer(new()
        {
            NumberOfFactors = rank, NumberOfIterations = 300, FactorRegularization = 0.01f, RatingRegularization = 0, BiasRegularization = 0.01f,
            LearningRateDecay = 0.99f, NumberOfThreads = threads,
        }).Fit(data);

        double squared = 0;
        for (int e = 0; e < data.Count; e++)
        {
            double error = model.PredictRating(data.UserIndices[e], data.ItemIndices[e]) - data.Ratings[e];
            squared += error * error;
        }

        // Rank 1 cannot express the planted rank-2 matrix; every other rank can.
        double bound = rank == 1 ? 0.25 : 0.05;
        Assert.Equal(rank * data.Users.Count, model.UserFactors.Length);
        Assert.True(Math.Sqrt(squared / data.Count) < bound, $"rank {rank}, {threads} threads: training RMSE {Math.Sqrt(squared / data.Count):F4}");
    }

    [Fact]
    public void Per_rating_regularization_holds_back_the_factors_and_very_strong_values_leave_the_biases()
    {
        RatingMatrix data = Planted(seed: 6);
        var options = new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 4, NumberOfIterations = 40, FactorRegularization = 0, NumberOfThreads = 1 };
        static double Norm(FactorModel m) => Math.Sqrt(m.UserFactors.ToArray().Sum(f => (double)f * f));

        double free = Norm(new BiasedMatrixFactorizationTrainer(options with { RatingRegularization = 0 }).Fit(data));
        double held = Norm(new BiasedMatrixFactorizationTrainer(options with { RatingRegularization = 0.5f }).Fit(data));
        FactorModel flat = new BiasedMatrixFactorizationTrainer(options with { RatingRegularization = 100 }).Fit(data);

        Assert.True(held < 0.8 * free, $"factor norm {held:F3} with per-rating regularization 0.5, {free:F3} without");
        Assert.All(flat.UserFactors.ToArray(), f => Assert.True(Math.Abs(f) < 1e-3, $"user factor {f}"));
        Assert.Equal("100", flat.Properties["rating_regularization"]);
        Assert.InRange(flat.PredictRating("u1", "i1"), data.MinRating, data.MaxRating);
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(8, 3)]
    [InlineData(13, 2)]
    public void The_same_seed_gives_bit_identical_models_whatever_the_thread_count(int threads, int models)
    {
        // The SGD grid has a fixed side (GridSize), not one block per thread: a model trained on a laptop and one trained on a server
        // from the same data, options and seed are the same model.
        RatingMatrix data = Planted(seed: 4);
        var options = new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 8, NumberOfIterations = 5, NumberOfThreads = 1, NumberOfModels = models };

        FactorModel a = new BiasedMatrixFactorizationTrainer(options).Fit(data);
        FactorModel b = new BiasedMatrixFactorizationTrainer(options with { NumberOfThreads = threads }).Fit(data);
        FactorModel c = new BiasedMatrixFactorizationTrainer(options with { NumberOfThreads = threads, Seed = 9 }).Fit(data);

        Assert.Equal(a.UserFactors.ToArray(), b.UserFactors.ToArray());
        Assert.Equal(a.ItemFactors.ToArray(), b.ItemFactors.ToArray());
        Assert.Equal(Enumerable.Range(0, a.Users.Count).Select(a.GetUserBias), Enumerable.Range(0, b.Users.Count).Select(b.GetUserBias));
        Assert.Equal(Enumerable.Range(0, a.Items.Count).Select(a.GetItemBias), Enumerable.Range(0, b.Items.Count).Select(b.GetItemBias));
        Assert.False(a.ItemFactors.SequenceEqual(c.ItemFactors));
    }

    [Fact]
    public void Predictions_are_clamped_to_the_observed_range_and_unknown_ids_fall_back_to_biases()
    {
        RatingMatrix data = Planted(seed: 5);
        FactorModel model = new BiasedMatrixFactorizationTrainer(new() { NumberOfIterations = 10 }).Fit(data);
        FactorModel baseline = BiasBaseline.Fit(data);

        float unknownBoth = model.PredictRating("nobody", "nothing");
        float unknownUser = model.PredictRating("nobody", "i3");
        float unknownItem = model.PredictRating("u3", "nothing");

        Assert.Equal(model.GlobalBias, unknownBoth);
        Assert.Equal(Math.Clamp(model.GlobalBias + model.GetItemBias(model.Items.GetIndex("i3")), data.MinRating, data.MaxRating), unknownUser);
        Assert.Equal(Math.Clamp(model.GlobalBias + model.GetUserBias(model.Users.GetIndex("u3")), data.MinRating, data.MaxRating), unknownItem);
        for (int u = 0; u < model.Users.Count; u++)
        {
            for (int i = 0; i < model.Items.Count; i++)
            {
                float p = model.PredictRating(u, i);
                Assert.InRange(p, data.MinRating, data.MaxRating);
                Assert.False(float.IsNaN(p));
            }
        }

        Assert.Equal(FactorModelKind.Explicit, baseline.Kind);
        Assert.Equal((float)data.Mean, BiasBaseline.GlobalMean(data).PredictRating("u0", "i0"));
    }

    [Fact]
    public void Progress_reports_the_training_rmse_each_epoch_and_it_falls()
    {
        RatingMatrix data = Planted(seed: 6);
        var reports = new List<TrainingProgress>();

        new BiasedMatrixFactorizationTrainer(new() { NumberOfIterations = 8, NumberOfFactors = 4, FactorRegularization = 0.1f })
            .Fit(data, new Recorder(reports));

        Assert.Equal(Enumerable.Range(1, 8), reports.Select(r => r.Epoch));
        Assert.True(reports[^1].Loss < reports[0].Loss, $"RMSE went from {reports[0].Loss} to {reports[^1].Loss}");
    }

    [Fact]
    public void Explicit_models_survive_a_save_and_load_with_their_range_and_biases()
    {
        using var temp = new TempDirectory();
        RatingMatrix data = Planted(seed: 7);
        FactorModel model = new BiasedMatrixFactorizationTrainer(new() { NumberOfIterations = 3 }).Fit(data);

        ModelFile.Save(model, temp.File("m.pzm"));
        FactorModel loaded = ModelFile.Load(temp.File("m.pzm"));

        Assert.Equal(model.PredictRating("u1", "i2"), loaded.PredictRating("u1", "i2"));
        Assert.Equal(model.PredictRating("zz", "i2"), loaded.PredictRating("zz", "i2"));
        Assert.Equal("explicit-mf", loaded.Properties["trainer"]);
    }

    [Fact]
    public void Cancellation_stops_training()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new BiasedMatrixFactorizationTrainer().Fit(Planted(seed: 8), cancellationToken: cancel.Token));
    }

    [Fact]
    public void Very_strong_regularization_shrinks_towards_the_biases_instead_of_diverging()
    {
        // 40 ratings per user and 60 per item: a step of learning rate x regularization / count far above 1 must not overshoot past zero.
        RatingMatrix data = Planted(seed: 4);
        var options = new BiasedMatrixFactorizationTrainer.Options
        {
            NumberOfFactors = 4, NumberOfIterations = 10, LearningRate = 0.05f, FactorRegularization = 10_000, BiasRegularization = 10_000, NumberOfThreads = 1,
        };

        FactorModel model = new BiasedMatrixFactorizationTrainer(options).Fit(data);

        // Pulled back to the mean, the training error rises, but that is the regularization asked for, not a divergence to undo.
        Assert.False(model.Properties.ContainsKey(ModelPropertyNames.LearningRateHalvedAt));
        Assert.All(model.UserFactors.ToArray(), f => Assert.True(Math.Abs(f) < 1e-3, $"user factor {f}"));
        Assert.All(model.ItemFactors.ToArray(), f => Assert.True(Math.Abs(f) < 1e-3, $"item factor {f}"));
        for (int u = 0; u < model.Users.Count; u++)
        {
            Assert.InRange(model.GetUserBias(u), -0.5f, 0.5f);
        }

        Assert.InRange(model.PredictRating("u1", "i1"), data.MinRating, data.MaxRating);
    }

    [Fact]
    public void A_run_whose_error_falls_reports_each_epochs_scheduled_step_size_and_no_retries()
    {
        (RatingMatrix train, _) = SampleSplit();
        var reports = new List<TrainingProgress>();

        FactorModel model = new BiasedMatrixFactorizationTrainer(new() { NumberOfIterations = 6 }).Fit(train, new Recorder(reports));

        Assert.Equal(Enumerable.Range(1, 6), reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Equal(0, r.Retries));
        Assert.All(reports, r => Assert.Equal(0.02 * Math.Pow(0.95, r.Epoch - 1), r.LearningRate!.Value, 1e-6));
        Assert.False(model.Properties.ContainsKey(ModelPropertyNames.LearningRateHalvedAt));
    }

    [Fact]
    public void A_diverging_first_epoch_is_undone_and_run_again_at_half_the_step_size_exactly_as_a_run_started_there()
    {
        // On the sample, a step of 0.3 sends the first epoch's error to infinity and 0.15 converges: the retried run must start from
        // exactly the state it started from, so it ends bit for bit where a run given 0.15 ends.
        (RatingMatrix train, InteractionLog test) = SampleSplit();
        var reports = new List<TrainingProgress>();
        var options = new BiasedMatrixFactorizationTrainer.Options { NumberOfIterations = 20, LearningRate = 0.3f, NumberOfThreads = 2 };

        FactorModel retried = new BiasedMatrixFactorizationTrainer(options).Fit(train, new Recorder(reports));
        FactorModel direct = new BiasedMatrixFactorizationTrainer(options with { LearningRate = 0.15f }).Fit(train);

        Assert.Equal(Enumerable.Range(1, 20), reports.Select(r => r.Epoch));
        Assert.Equal(1, reports[0].Retries);
        Assert.Equal(0.15, reports[0].LearningRate!.Value, 1e-6);
        Assert.All(reports.Skip(1), r => Assert.Equal(0, r.Retries));
        Assert.Equal("1", retried.Properties[ModelPropertyNames.LearningRateHalvedAt]);
        Assert.Equal(direct.UserFactors.ToArray(), retried.UserFactors.ToArray());
        Assert.Equal(direct.ItemFactors.ToArray(), retried.ItemFactors.ToArray());
        Assert.Equal(Rmse(direct, test), Rmse(retried, test));
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 2)]
    public void Undoing_an_epoch_restores_every_table_of_rated_items_and_of_each_averaged_model(bool ratedItems, int models)
    {
        (RatingMatrix train, _) = SampleSplit();
        var options = new BiasedMatrixFactorizationTrainer.Options
        {
            NumberOfIterations = 7, LearningRate = 0.3f, NumberOfThreads = 2, UseRatedItems = ratedItems, NumberOfModels = models,
        };

        FactorModel retried = new BiasedMatrixFactorizationTrainer(options).Fit(train);
        FactorModel direct = new BiasedMatrixFactorizationTrainer(options with { LearningRate = 0.15f }).Fit(train);

        Assert.Equal("1", retried.Properties[ModelPropertyNames.LearningRateHalvedAt]);
        Assert.False(direct.Properties.ContainsKey(ModelPropertyNames.LearningRateHalvedAt));
        Assert.Equal(direct.UserFactors.ToArray(), retried.UserFactors.ToArray());
        Assert.Equal(direct.ItemFactors.ToArray(), retried.ItemFactors.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void A_large_initial_scale_starts_far_from_the_ratings_without_being_taken_for_divergence(int factors)
    {
        // Starting factors of scale 10 add dot products spread far wider than the ratings (about 33 standard deviations at one
        // factor), so the first epoch's error is high because of where it started, not because the step is too large.
        (RatingMatrix train, _) = SampleSplit();
        var reports = new List<TrainingProgress>();
        var options = new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = factors, InitialScale = 10, NumberOfIterations = 10 };

        FactorModel model = new BiasedMatrixFactorizationTrainer(options).Fit(train, new Recorder(reports));

        Assert.Equal(Enumerable.Range(1, 10), reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.True(double.IsFinite(r.Loss), $"epoch {r.Epoch}: training RMSE {r.Loss}"));
        Assert.True(reports[0].Loss > 1.5 * 0.68, $"the first epoch's RMSE {reports[0].Loss} is not above 1.5 standard deviations, so this tests nothing");
        Assert.Null(ModelFile.NotFinite(model));
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(false, 3)]
    public void The_largest_learning_rate_allowed_still_trains_a_model_that_beats_the_biases(bool ratedItems, int models)
    {
        (RatingMatrix train, InteractionLog test) = SampleSplit();
        var reports = new List<TrainingProgress>();
        var options = new BiasedMatrixFactorizationTrainer.Options
        {
            NumberOfIterations = 30, LearningRate = 1, UseRatedItems = ratedItems, NumberOfModels = models,
        };

        FactorModel model = new BiasedMatrixFactorizationTrainer(options).Fit(train, new Recorder(reports));

        Assert.Equal(Enumerable.Range(1, 30), reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.True(double.IsFinite(r.Loss), $"epoch {r.Epoch}: training RMSE {r.Loss}"));
        Assert.True(reports[0].Retries > 0, "a step of 1 should have been halved in the first epoch");
        Assert.Null(ModelFile.NotFinite(model));
        string[] halved = model.Properties[ModelPropertyNames.LearningRateHalvedAt].Split(',');
        Assert.Equal(reports.Sum(r => r.Retries), halved.Length);
        Assert.Equal(1 / Math.Pow(2, halved.Length) * Math.Pow(0.95, 29), reports[^1].LearningRate!.Value, 1e-6);
        double held = Rmse(model, test), biases = Rmse(BiasBaseline.Fit(train), test);
        Assert.True(held < biases, $"held-out RMSE {held:F4} is not below the biases' {biases:F4}");
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(1f)]
    public void An_epoch_that_grows_after_the_watched_ones_goes_back_to_the_last_copy_and_goes_on_at_half_the_step(float learningRate)
    {
        // On the whole sample these steps grow in epoch 1 and again in epoch 2. With one watched epoch the only copy is the state
        // before epoch 1, so epoch 2 goes back there: epoch 1's work is lost, and training goes on from the start at half the step.
        RatingMatrix data = RatingMatrix.FromLog(InteractionLog.ReadCsv(Path.Combine(SampleData.Folder, "ratings.csv")));
        var reports = new List<TrainingProgress>();
        var options = new BiasedMatrixFactorizationTrainer.Options { NumberOfIterations = 30, LearningRate = learningRate, NumberOfThreads = 2 };

        FactorModel model = new BiasedMatrixFactorizationTrainer(options) { WatchedEpochs = 1 }.Fit(data, new Recorder(reports));
        FactorModel watched = new BiasedMatrixFactorizationTrainer(options).Fit(data);

        Assert.Equal(Enumerable.Range(1, 30), reports.Select(r => r.Epoch));
        int[] halved = model.Properties[ModelPropertyNames.LearningRateHalvedAt].Split(',').Select(int.Parse).ToArray();
        Assert.Equal(halved, watched.Properties[ModelPropertyNames.LearningRateHalvedAt].Split(',').Select(int.Parse));
        Assert.Contains(2, halved);
        Assert.Equal(halved.Count(e => e == 2), reports[1].Retries);
        Assert.NotEqual(watched.UserFactors.ToArray(), model.UserFactors.ToArray());   // epoch 1's work was lost, not kept
        Assert.All(reports, r => Assert.True(double.IsFinite(r.Loss), $"epoch {r.Epoch}: training RMSE {r.Loss}"));
        Assert.Null(ModelFile.NotFinite(model));
        double biases = Rmse(BiasBaseline.Fit(data), InteractionLog.ReadCsv(Path.Combine(SampleData.Folder, "ratings.csv")));
        Assert.True(reports[^1].Loss < biases, $"training RMSE {reports[^1].Loss:F4} is not below the biases' {biases:F4}");
    }

    private sealed class Recorder(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
