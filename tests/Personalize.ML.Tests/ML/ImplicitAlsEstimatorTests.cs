using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.Data;
using Personalize.Core.ML;
using Personalize.Core.Models;
using Personalize.Core.Tests.TestSupport;
using Personalize.Core.Training;

namespace Personalize.ML.Tests.ML;

public sealed class ImplicitAlsEstimatorTests
{
    private sealed class FloatUser
    {
        public float user_key { get; set; }

        public string ItemId { get; set; } = "";
    }

    private sealed class ScoreOutput
    {
        public float Score { get; set; }
    }

    private static ImplicitAlsEstimator Estimator(MLContext ml) =>
        ml.Personalization().Trainers.ImplicitAls("user_key", "item_key", "Count", numberOfFactors: 8, numberOfIterations: 5);

    [Fact]
    public void Workout_fits_valid_input_rejects_misuse_and_round_trips_through_save_and_load()
    {
        var ml = new MLContext(seed: 1);
        IDataView raw = ml.Data.LoadFromEnumerable(MLTestData.Events());
        ITransformer keys = MLTestData.KeyIds(ml).Fit(raw);
        IDataView keyed = keys.Transform(raw);
        IDataView emptyKeyed = keys.Transform(ml.Data.LoadFromEnumerable(new List<MLTestData.EventRow>()));
        IDataView floatUser = ml.Transforms.Conversion.MapValueToKey("item_key", "ItemId")
            .Fit(ml.Data.LoadFromEnumerable([new FloatUser { user_key = 1, ItemId = "i1" }]))
            .Transform(ml.Data.LoadFromEnumerable([new FloatUser { user_key = 1, ItemId = "i1" }]));
        IDataView noItem = ml.Transforms.Conversion.MapValueToKey("user_key", "UserId").Fit(raw).Transform(raw);

        FactorModelTransformer transformer = EstimatorWorkout.Run(ml, Estimator(ml), keyed, keyed,
        [
            (floatUser, "Column 'user_key' for the user id should be a key of UInt32 (as made by MapValueToKey) or text, but is instead Single.", true),
            (noItem, "Could not find the item id column 'item_key'", true),
            (emptyKeyed, "ImplicitAls has nothing to learn from: it has no rows", false),
        ]);

        Assert.Equal(FactorModelKind.Implicit, transformer.Model.Kind);
        Assert.Equal(480, transformer.TrainingReport!.Accepted);
    }

    [Fact]
    public void The_model_ids_are_the_key_values_so_the_model_serves_the_callers_ids()
    {
        var ml = new MLContext(seed: 1);
        IDataView raw = ml.Data.LoadFromEnumerable(MLTestData.Events());

        var chain = MLTestData.KeyIds(ml).Append(Estimator(ml)).Fit(raw);
        FactorModel model = chain.LastTransformer.Model;

        Assert.Equal(60, model.Users.Count);
        Assert.Equal(30, model.Items.Count);
        Assert.True(model.Users.TryGetIndex("u0", out _));
        Assert.True(model.Items.TryGetIndex("i29", out _));
        var recommender = new Personalize.Core.Recommending.Recommender(model);
        Assert.All(recommender.ForUser("u4", 5), r => Assert.InRange(int.Parse(r.ItemId[1..], System.Globalization.CultureInfo.InvariantCulture), 10, 19));
    }

    [Fact]
    public void It_trains_the_same_model_as_the_trainer_on_the_same_rows()
    {
        var ml = new MLContext(seed: 1);
        IDataView raw = ml.Data.LoadFromEnumerable(MLTestData.Events());
        var options = new ImplicitAlsTrainer.Options { NumberOfFactors = 8, NumberOfIterations = 4 };
        var columns = new DataViewInteractionReaderOptions { UserColumnName = "UserId", ItemColumnName = "ItemId", WeightColumnName = "Count" };

        FactorModel viaEstimator = ml.Personalization().Trainers.ImplicitAls(options, columns).Fit(raw).Model;
        FactorModel viaTrainer = new ImplicitAlsTrainer(options).Fit(FeedbackMatrix.FromLog(new DataViewInteractionReader(columns).Read(raw)));

        Assert.Equal(viaTrainer.Users.Ids, viaEstimator.Users.Ids);
        Assert.Equal(viaTrainer.UserFactors.ToArray(), viaEstimator.UserFactors.ToArray());
        Assert.Equal(viaTrainer.ItemFactors.ToArray(), viaEstimator.ItemFactors.ToArray());
    }

    [Fact]
    public void A_pipeline_fitted_on_one_view_scores_another_whose_keys_are_numbered_differently()
    {
        var ml = new MLContext(seed: 1);
        List<MLTestData.EventRow> rows = MLTestData.Events();
        FactorModelTransformer transformer = MLTestData.KeyIds(ml).Append(Estimator(ml)).Fit(ml.Data.LoadFromEnumerable(rows)).LastTransformer;
        // A second view, in reverse order and with an unknown user, keyed by its own MapValueToKey: key 1 is now a different id.
        var other = rows.AsEnumerable().Reverse().Take(50).Append(new MLTestData.EventRow { UserId = "ghost", ItemId = "i3" }).ToList();
        IDataView otherKeyed = MLTestData.KeyIds(ml).Fit(ml.Data.LoadFromEnumerable(other)).Transform(ml.Data.LoadFromEnumerable(other));

        float[] scores = EstimatorWorkout.Scores(transformer.Transform(otherKeyed));

        float[] expected = [.. other.Select(r => transformer.Model.PredictRating(r.UserId, r.ItemId))];
        Assert.Equal(expected, scores);
        Assert.Equal(0f, scores[^1]);
        Assert.Contains(scores, s => s > 0.1f);
    }

    [Fact]
    public void Text_id_columns_are_scored_and_unknown_ids_get_the_fallback_never_NaN()
    {
        var ml = new MLContext(seed: 1);
        FactorModelTransformer transformer = ml.Personalization().Trainers
            .ImplicitAls("UserId", "ItemId", numberOfFactors: 4, numberOfIterations: 3).Fit(ml.Data.LoadFromEnumerable(MLTestData.Events()));
        IDataView pairs = ml.Data.LoadFromEnumerable(new[]
        {
            new MLTestData.EventRow { UserId = "u1", ItemId = "i2" },
            new MLTestData.EventRow { UserId = "nobody", ItemId = "i2" },
            new MLTestData.EventRow { UserId = "u1", ItemId = "nothing" },
            new MLTestData.EventRow { UserId = "", ItemId = "" },
        });

        float[] scores = EstimatorWorkout.Scores(transformer.Transform(pairs));

        Assert.Equal(transformer.Model.PredictRating("u1", "i2"), scores[0]);
        Assert.NotEqual(0f, scores[0]);
        Assert.Equal([0f, 0f, 0f], scores[1..]);
        Assert.DoesNotContain(scores, float.IsNaN);
    }

    [Fact]
    public void A_prediction_engine_scores_one_row_at_a_time()
    {
        var ml = new MLContext(seed: 1);
        FactorModelTransformer transformer = ml.Personalization().Trainers
            .ImplicitAls("UserId", "ItemId", numberOfFactors: 4, numberOfIterations: 3).Fit(ml.Data.LoadFromEnumerable(MLTestData.Events()));

        PredictionEngine<MLTestData.EventRow, ScoreOutput> engine = ml.Model.CreatePredictionEngine<MLTestData.EventRow, ScoreOutput>(transformer);
        float score = engine.Predict(new MLTestData.EventRow { UserId = "u7", ItemId = "i12" }).Score;

        Assert.Equal(transformer.Model.PredictRating("u7", "i12"), score);
    }

    [Fact]
    public void Bad_rows_fail_the_fit_by_default_and_are_counted_when_skipping()
    {
        var ml = new MLContext(seed: 1);
        var rows = MLTestData.Events();
        rows.Add(new MLTestData.EventRow { UserId = "u1", ItemId = "i1", Count = float.NaN });
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var options = new ImplicitAlsTrainer.Options { NumberOfFactors = 4, NumberOfIterations = 2 };
        var columns = new DataViewInteractionReaderOptions { UserColumnName = "UserId", ItemColumnName = "ItemId", WeightColumnName = "Count" };

        var failure = Assert.Throws<InteractionDataException>(() => ml.Personalization().Trainers.ImplicitAls(options, columns).Fit(data));
        FactorModelTransformer skipping = ml.Personalization().Trainers.ImplicitAls(options, columns with { BadRows = BadRowPolicy.SkipAndReport }).Fit(data);

        Assert.Equal((481L, "Count"), (failure.LineNumber, failure.ColumnName));
        Assert.Equal((481L, 480L, 1L), (skipping.TrainingReport!.Read, skipping.TrainingReport.Accepted, skipping.TrainingReport.Rejected));
    }

    [Fact]
    public void Pairs_of_weight_zero_are_told_in_the_training_report_and_a_weight_for_ratings_is_refused()
    {
        var ml = new MLContext(seed: 1);
        var rows = MLTestData.Events();
        rows.Add(new MLTestData.EventRow { UserId = "label0", ItemId = rows[0].ItemId, Count = 0 });
        rows.Add(new MLTestData.EventRow { UserId = "label0", ItemId = rows[1].ItemId == rows[0].ItemId ? rows[2].ItemId : rows[1].ItemId, Count = 1 });
        var options = new ImplicitAlsTrainer.Options { NumberOfFactors = 4, NumberOfIterations = 2 };
        var columns = new DataViewInteractionReaderOptions { UserColumnName = "UserId", ItemColumnName = "ItemId", WeightColumnName = "Count" };

        FactorModelTransformer zero = ml.Personalization().Trainers.ImplicitAls(options, columns).Fit(ml.Data.LoadFromEnumerable(rows));
        FactorModelTransformer plain = ml.Personalization().Trainers.ImplicitAls(options, columns).Fit(ml.Data.LoadFromEnumerable(MLTestData.Events()));
        var weighted = Assert.Throws<ArgumentException>(() => ml.Personalization().Trainers.BiasedMatrixFactorization(
            new BiasedMatrixFactorizationTrainer.Options(), columns with { RatingColumnName = "Count" }));

        Assert.Equal("1 (user, item) pairs weigh 0 in all (Count is 0 on every row of the pair): they still count as had (left out of that user's "
            + "recommendations) and as interactions of the lowest confidence. Filter those rows out of the data view to drop the pairs.",
            Assert.Single(zero.TrainingReport!.Notes));
        Assert.Empty(plain.TrainingReport!.Notes);
        Assert.StartsWith("The rating trainer counts each rating once, so the weight column 'Count' would be read and ignored", weighted.Message);
    }

    [Theory]
    [InlineData("Kind", null, "event type")]
    [InlineData(null, "When", "timestamp")]
    [InlineData("Count", null, "event type")]
    [InlineData(null, "UserId", "timestamp")]
    public void Event_and_timestamp_columns_are_checked_with_the_others_before_any_row_is_read(string? events, string? time, string role)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(MLTestData.Events());
        var columns = new DataViewInteractionReaderOptions { UserColumnName = "UserId", ItemColumnName = "ItemId", EventColumnName = events, TimestampColumnName = time };
        var estimator = ml.Personalization().Trainers.ImplicitAls(new ImplicitAlsTrainer.Options { NumberOfFactors = 4, NumberOfIterations = 2 }, columns);

        var shape = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(EstimatorWorkout.ShapeOf(data.Schema)));
        var fit = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));

        Assert.Contains(role, shape.Message);
        Assert.Contains(role, fit.Message);
    }

    [Fact]
    public void Invalid_settings_are_reported_together_when_the_estimator_is_made()
    {
        var ml = new MLContext(seed: 1);

        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            ml.Personalization().Trainers.ImplicitAls(numberOfFactors: 0, numberOfIterations: 0));

        Assert.StartsWith("ImplicitAlsTrainer.Options is invalid (2 errors): NumberOfFactors = 0: must be between 1 and 1024.", error.Message);
    }
}
