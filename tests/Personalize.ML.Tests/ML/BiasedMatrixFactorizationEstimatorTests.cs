using Microsoft.ML;
using Personalize.Core.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.ML;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.ML.Tests.ML;

public sealed class BiasedMatrixFactorizationEstimatorTests
{
    private sealed class TextLabel
    {
        public string UserId { get; set; } = "";

        public string ItemId { get; set; } = "";

        public string Label { get; set; } = "";
    }

    [Fact]
    public void Workout_fits_valid_input_rejects_misuse_and_round_trips_through_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        IDataView raw = ml.Data.LoadFromEnumerable(MLTestData.Ratings());
        ITransformer keys = MLTestData.KeyIds(ml).Fit(raw);
        IDataView keyed = keys.Transform(raw);
        IDataView textLabel = MLTestData.KeyIds(ml).Fit(ml.Data.LoadFromEnumerable([new TextLabel { UserId = "a", ItemId = "b", Label = "5" }]))
            .Transform(ml.Data.LoadFromEnumerable([new TextLabel { UserId = "a", ItemId = "b", Label = "5" }]));
        IDataView noLabel = ml.Transforms.DropColumns("Label").Fit(keyed).Transform(keyed);
        IDataView empty = keys.Transform(ml.Data.LoadFromEnumerable(new List<MLTestData.RatingRow>()));
        var estimator = ml.Personalization().Trainers.BiasedMatrixFactorization("Label", "user_key", "item_key", numberOfFactors: 4, numberOfIterations: 10);

        FactorModelTransformer transformer = EstimatorWorkout.Run(ml, estimator, keyed, keyed,
        [
            (textLabel, "Column 'Label' for the rating (label) should be a number (Single, Double, Int32, Int64, UInt32 or UInt64), but is instead String.", true),
            (noLabel, "Could not find the rating (label) column 'Label'", true),
            (empty, "BiasedMatrixFactorization has nothing to learn from", false),
        ]);

        Assert.Equal(FactorModelKind.Explicit, transformer.Model.Kind);
    }

    [Fact]
    public void It_learns_the_planted_taste_and_beats_the_global_mean()
    {
        var ml = new MLContext(seed: 1);
        List<MLTestData.RatingRow> rows = MLTestData.Ratings();
        IDataView data = ml.Data.LoadFromEnumerable(rows);

        FactorModelTransformer transformer = ml.Personalization().Trainers.BiasedMatrixFactorization("Label", "UserId", "ItemId").Fit(data);
        float[] scores = EstimatorWorkout.Scores(transformer.Transform(data));

        float[] actual = [.. rows.Select(r => r.Label)];
        float mean = actual.Average();
        double model = RatingMetrics.RootMeanSquaredError(scores, actual);
        double baseline = RatingMetrics.RootMeanSquaredError([.. actual.Select(_ => mean)], actual);
        Assert.True(model < 0.7 * baseline, $"model RMSE {model} vs global mean {baseline}");
        Assert.True(transformer.Model.PredictRating("u1", "i3") > transformer.Model.PredictRating("u1", "i4"));
        Assert.All(scores, s => Assert.InRange(s, 1f, 5f));
    }

    [Fact]
    public void A_pair_rated_twice_is_rejected_naming_it_unless_a_duplicate_policy_is_chosen()
    {
        var ml = new MLContext(seed: 1);
        List<MLTestData.RatingRow> rows = MLTestData.Ratings();
        rows.Add(new MLTestData.RatingRow { UserId = rows[0].UserId, ItemId = rows[0].ItemId, Label = 1 });
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var options = new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = 4, NumberOfIterations = 3 };
        var columns = new DataViewInteractionReaderOptions { UserColumnName = "UserId", ItemColumnName = "ItemId" };

        var error = Assert.Throws<InteractionDataException>(() => ml.Personalization().Trainers.BiasedMatrixFactorization(options, columns).Fit(data));
        FactorModelTransformer averaged = ml.Personalization().Trainers
            .BiasedMatrixFactorization(options, columns, new RatingMatrixOptions { Duplicates = DuplicateRatingPolicy.Average }).Fit(data);

        Assert.Contains($"user '{rows[0].UserId}' rated item '{rows[0].ItemId}' again", error.Message);
        Assert.Equal((long)rows.Count, averaged.TrainingReport!.Accepted);
        Assert.Equal(rows.Count - 1, (int)averaged.Model.ItemPopularity.ToArray().Sum());
    }

    [Fact]
    public void Unknown_users_get_the_global_mean_plus_the_item_bias_clamped_never_NaN()
    {
        var ml = new MLContext(seed: 1);
        FactorModelTransformer transformer = ml.Personalization().Trainers.BiasedMatrixFactorization("Label", "UserId", "ItemId", numberOfIterations: 10)
            .Fit(ml.Data.LoadFromEnumerable(MLTestData.Ratings()));
        FactorModel model = transformer.Model;
        IDataView pairs = ml.Data.LoadFromEnumerable(new[]
        {
            new MLTestData.RatingRow { UserId = "stranger", ItemId = "i3" },
            new MLTestData.RatingRow { UserId = "stranger", ItemId = "no-such-item" },
        });

        float[] scores = EstimatorWorkout.Scores(transformer.Transform(pairs));

        Assert.Equal(Math.Clamp(model.GlobalBias + model.GetItemBias(model.Items.GetIndex("i3")), 1f, 5f), scores[0], 5);
        Assert.Equal(Math.Clamp(model.GlobalBias, 1f, 5f), scores[1], 5);
    }
}
