using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.ML;
using Personalize.Core.ML.Recommendation;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.ML.Tests.ML;

/// <summary><c>mlContext.Recommendation()</c>: ML.NET's matrix-factorization API, trained by this library.</summary>
public sealed class RecommendationCatalogTests
{
    private sealed class KeyedPair
    {
        [KeyType(count: 100)]
        public uint ProductID { get; set; }

        [KeyType(count: 100)]
        public uint CoPurchaseProductID { get; set; }
    }

    private sealed class Prediction
    {
        public float Score { get; set; }
    }

    private static (MLContext Ml, IDataView Keyed, List<MLTestData.RatingRow> Rows) Ratings()
    {
        var ml = new MLContext(seed: 1);
        List<MLTestData.RatingRow> rows = MLTestData.Ratings();
        IDataView raw = ml.Data.LoadFromEnumerable(rows);
        return (ml, MLTestData.KeyIds(ml).Fit(raw).Transform(raw), rows);
    }

    private static MatrixFactorizationTrainer.Options RatingOptions() => new()
    {
        MatrixColumnIndexColumnName = "user_key", MatrixRowIndexColumnName = "item_key", LabelColumnName = "Label", Quiet = true,
    };

    [Fact]
    public void Ratings_train_the_biased_trainer_with_ml_net_settings_mapped_and_beat_the_global_mean()
    {
        var (ml, keyed, rows) = Ratings();
        MatrixFactorizationTrainer.Options options = RatingOptions();
        options.ApproximationRank = 6;
        options.NumberOfIterations = 30;
        options.Lambda = 0.2;
        MatrixFactorizationTrainer trainer = ml.Recommendation().Trainers.MatrixFactorization(options);
        options.ApproximationRank = 99;   // the trainer keeps a copy

        FactorModelTransformer model = trainer.Fit(keyed);
        RegressionMetrics metrics = ml.Recommendation().Evaluate(model.Transform(keyed));

        Assert.Equal(FactorModelKind.Explicit, model.Model.Kind);
        Assert.Equal(6, model.Model.NumberOfFactors);
        Assert.Equal("30", model.Model.Properties["epochs"]);
        Assert.Equal(0.06f, float.Parse(model.Model.Properties["rating_regularization"], CultureInfo.InvariantCulture), 5);
        float[] actual = [.. rows.Select(r => r.Label)];
        float mean = actual.Average();
        double baseline = RatingMetrics.RootMeanSquaredError([.. actual.Select(_ => mean)], actual);
        Assert.True(metrics.RootMeanSquaredError < 0.7 * baseline, $"RMSE {metrics.RootMeanSquaredError} vs global mean {baseline}");
    }

    [Fact]
    public void The_column_overload_uses_ml_net_defaults_rank_8_and_20_iterations()
    {
        var (ml, keyed, _) = Ratings();

        FactorModelTransformer model = ml.Recommendation().Trainers.MatrixFactorization("Label", "user_key", "item_key").Fit(keyed);

        Assert.Equal(8, model.Model.NumberOfFactors);
        Assert.Equal("20", model.Model.Properties["epochs"]);
        Assert.Equal("0.02", model.Model.Properties["learning_rate"]);   // ML.NET's 0.1 maps to this library's default
    }

    [Fact]
    public void One_class_trains_implicit_als_on_key_columns_with_alpha_as_the_confidence_ratio_and_serves_a_prediction_engine()
    {
        var ml = new MLContext(seed: 1);
        var pairs = new List<KeyedPair>();
        for (uint a = 1; a <= 30; a++)
        {
            for (uint b = 1; b <= 30; b++)
            {
                if (a != b && a % 3 == b % 3)
                {
                    pairs.Add(new KeyedPair { ProductID = a, CoPurchaseProductID = b });
                }
            }
        }

        var options = new MatrixFactorizationTrainer.Options
        {
            MatrixColumnIndexColumnName = nameof(KeyedPair.ProductID), MatrixRowIndexColumnName = nameof(KeyedPair.CoPurchaseProductID),
            LossFunction = MatrixFactorizationTrainer.LossFunctionType.SquareLossOneClass, Alpha = 0.01, Lambda = 0.025, Quiet = true,
        };

        FactorModelTransformer model = ml.Recommendation().Trainers.MatrixFactorization(options).Fit(ml.Data.LoadFromEnumerable(pairs));
        var engine = ml.Model.CreatePredictionEngine<KeyedPair, Prediction>(model);
        float together = engine.Predict(new KeyedPair { ProductID = 3, CoPurchaseProductID = 6 }).Score;
        float apart = engine.Predict(new KeyedPair { ProductID = 3, CoPurchaseProductID = 7 }).Score;

        Assert.Equal(FactorModelKind.Implicit, model.Model.Kind);
        Assert.Equal(99f, float.Parse(model.Model.Properties["alpha"], CultureInfo.InvariantCulture), 3);
        Assert.True(together > apart + 0.2, $"co-purchased group {together} vs other group {apart}");
    }

    [Fact]
    public void Settings_it_cannot_honour_are_refused_together_with_what_is_wrong()
    {
        var ml = new MLContext(seed: 1);
        var options = new MatrixFactorizationTrainer.Options
        {
            LossFunction = MatrixFactorizationTrainer.LossFunctionType.SquareLossOneClass, NonNegative = true, C = 0.5, Alpha = 2,
        };

        var error = Assert.Throws<ArgumentException>(() => ml.Recommendation().Trainers.MatrixFactorization(options));

        Assert.StartsWith("MatrixFactorizationTrainer.Options are invalid (5 errors): MatrixColumnIndexColumnName (the user column) must be set.", error.Message);
        Assert.Contains("NonNegative = true is not supported", error.Message);
        Assert.Contains("C = 0.5 is not supported", error.Message);
        Assert.Contains("Alpha = 2 must be above 0 and below 1.", error.Message);
    }

    [Theory]
    [InlineData(0, 0.1, 0.1, "ApproximationRank = 0 must be between 1 and 1024.")]
    [InlineData(8, 10, 0.1, "LearningRate = 10 must be between")]
    [InlineData(8, 1e-7, 0.1, "LearningRate = 1E-07 must be between")]
    [InlineData(8, 0.1, 1000, "Lambda = 1000 must be at most 333.3.")]
    [InlineData(8, 0.1, double.PositiveInfinity, "Lambda = Infinity must be at most")]
    public void Out_of_range_numbers_are_an_argument_exception_in_the_terms_given(int rank, double rate, double lambda, string expected)
    {
        var ml = new MLContext(seed: 1);
        var options = new MatrixFactorizationTrainer.Options
        {
            MatrixColumnIndexColumnName = "user", MatrixRowIndexColumnName = "item", LabelColumnName = "Label",
            ApproximationRank = rank, LearningRate = rate, Lambda = lambda,
        };

        var error = Assert.Throws<ArgumentException>(() => ml.Recommendation().Trainers.MatrixFactorization(options));

        Assert.Contains(expected, error.Message);
        Assert.Equal("options", error.ParamName);
    }

    [Fact]
    public void Unknown_ids_get_the_fallback_score_unless_nan_parity_is_asked_for()
    {
        var (ml, keyed, _) = Ratings();
        var unseen = new List<MLTestData.RatingRow> { new() { UserId = "stranger", ItemId = "i1", Label = 3 } };
        IDataView strangerRaw = ml.Data.LoadFromEnumerable(unseen);
        IDataView strangerView = ml.Data.LoadFromEnumerable(unseen);
        MatrixFactorizationTrainer.Options nan = RatingOptions();
        nan.UnknownIdsScoreNaN = true;

        FactorModelTransformer fallback = ml.Recommendation().Trainers.MatrixFactorization(RatingOptions()).Fit(keyed);
        FactorModelTransformer parity = ml.Recommendation().Trainers.MatrixFactorization(nan).Fit(keyed);
        var byText = new FactorModelTransformer(fallback.Model, "UserId", "ItemId");
        var nanByText = new FactorModelTransformer(parity.Model, "UserId", "ItemId");

        float fallbackScore = EstimatorWorkout.Scores(byText.Transform(strangerRaw))[0];
        Assert.True(float.IsFinite(fallbackScore));
        Assert.False(fallback.UnknownIdsScoreNaN);
        Assert.True(parity.UnknownIdsScoreNaN);
        Assert.True(float.IsNaN(EstimatorWorkout.Scores(parity.Transform(MLTestData.KeyIds(ml).Fit(strangerView).Transform(strangerView)))[0]));
        Assert.False(nanByText.UnknownIdsScoreNaN);   // a transformer made around a model keeps the default
    }

    [Fact]
    public void Nan_parity_for_unknown_ids_survives_saving_and_loading_the_pipeline()
    {
        var (ml, keyed, _) = Ratings();
        MatrixFactorizationTrainer.Options nan = RatingOptions();
        nan.UnknownIdsScoreNaN = true;
        FactorModelTransformer parity = ml.Recommendation().Trainers.MatrixFactorization(nan).Fit(keyed);
        FactorModelTransformer fallback = ml.Recommendation().Trainers.MatrixFactorization(RatingOptions()).Fit(keyed);
        var unseen = new List<MLTestData.RatingRow> { new() { UserId = "stranger", ItemId = "i1", Label = 3 } };
        IDataView stranger = MLTestData.KeyIds(ml).Fit(ml.Data.LoadFromEnumerable(unseen)).Transform(ml.Data.LoadFromEnumerable(unseen));

        ITransformer RoundTrip(FactorModelTransformer transformer)
        {
            using var stream = new MemoryStream();
            ml.Personalization().Model.Save(transformer, keyed.Schema, stream);
            stream.Position = 0;
            return ml.Personalization().Model.Load(stream, out _);
        }

        FactorModelTransformer Ours(ITransformer loaded) => Assert.Single(Assert.IsType<TransformerChain<ITransformer>>(loaded).OfType<FactorModelTransformer>());
        FactorModelTransformer loadedParity = Ours(RoundTrip(parity));
        FactorModelTransformer loadedFallback = Ours(RoundTrip(fallback));
        Assert.True(loadedParity.UnknownIdsScoreNaN);
        Assert.False(loadedFallback.UnknownIdsScoreNaN);
        Assert.True(float.IsNaN(EstimatorWorkout.Scores(loadedParity.Transform(stranger))[0]));
        Assert.True(float.IsFinite(EstimatorWorkout.Scores(loadedFallback.Transform(stranger))[0]));
    }

    [Fact]
    public void A_learning_rate_too_large_is_halved_with_a_warning_in_the_log_and_the_model_beats_the_global_mean()
    {
        var (ml, keyed, rows) = Ratings();
        var warnings = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Message.Contains("diverged", StringComparison.Ordinal))
            {
                lock (warnings)
                {
                    warnings.Add(e.Message);
                }
            }
        };
        MatrixFactorizationTrainer.Options options = RatingOptions();
        options.Quiet = false;
        options.LearningRate = 5;   // 1 in this library's terms (ML.NET's 0.1 maps to 0.02), the most it takes
        options.NumberOfIterations = 20;

        FactorModelTransformer model = ml.Recommendation().Trainers.MatrixFactorization(options).Fit(keyed);
        RegressionMetrics metrics = ml.Recommendation().Evaluate(model.Transform(keyed));

        Assert.Contains("epoch 1: the training error diverged, so the epoch was run again", Assert.Single(warnings, w => w.Contains("epoch 1:", StringComparison.Ordinal)));
        Assert.True(model.Model.Properties.ContainsKey(ModelPropertyNames.LearningRateHalvedAt));
        float[] actual = [.. rows.Select(r => r.Label)];
        float mean = actual.Average();
        double baseline = RatingMetrics.RootMeanSquaredError([.. actual.Select(_ => mean)], actual);
        Assert.True(metrics.RootMeanSquaredError < baseline, $"RMSE {metrics.RootMeanSquaredError} vs global mean {baseline}");
    }

    [Fact]
    public void Quiet_false_logs_each_epoch_through_the_context_log_and_quiet_true_logs_none()
    {
        var (ml, keyed, _) = Ratings();
        var lines = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Source.StartsWith(nameof(MatrixFactorizationTrainer), StringComparison.Ordinal) && e.Message.Contains("epoch", StringComparison.Ordinal))
            {
                lock (lines)
                {
                    lines.Add(e.Message);
                }
            }
        };
        MatrixFactorizationTrainer.Options loud = RatingOptions();
        loud.Quiet = false;
        loud.NumberOfIterations = 5;
        MatrixFactorizationTrainer.Options quiet = RatingOptions();
        quiet.NumberOfIterations = 5;

        ml.Recommendation().Trainers.MatrixFactorization(quiet).Fit(keyed);
        int afterQuiet = lines.Count;
        ml.Recommendation().Trainers.MatrixFactorization(loud).Fit(keyed);

        Assert.Equal(0, afterQuiet);
        Assert.Equal(5, lines.Count);
        Assert.Contains("epoch 5 of 5: training loss", lines[^1]);
    }

    [Fact]
    public void A_pair_rated_twice_is_averaged_as_the_squared_loss_treats_repeats_and_cross_validation_scores_each_fold()
    {
        var (ml, _, rows) = Ratings();
        rows.Add(new MLTestData.RatingRow { UserId = rows[0].UserId, ItemId = rows[0].ItemId, Label = 1 });
        IDataView raw = ml.Data.LoadFromEnumerable(rows);
        IEstimator<ITransformer> pipeline = MLTestData.KeyIds(ml).Append(ml.Recommendation().Trainers.MatrixFactorization(RatingOptions()));

        var folds = ml.Recommendation().CrossValidate(raw, pipeline, numberOfFolds: 3, seed: 7);

        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.InRange(f.Metrics.RootMeanSquaredError, 0.05, 1.5));
    }
}
