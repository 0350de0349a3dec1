using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.Evaluation;
using Personalize.Core.ML;
using Personalize.Core.Tests.TestSupport;

namespace Personalize.ML.Tests.ML;

public sealed class RatingEvaluationTests
{
    [Fact]
    public void Our_RMSE_and_MAE_agree_with_MLNETs_regression_evaluator_on_the_same_predictions()
    {
        var ml = new MLContext(seed: 1);
        List<MLTestData.RatingRow> rows = MLTestData.Ratings();
        IDataView train = ml.Data.LoadFromEnumerable(rows.Where((_, i) => i % 5 != 0));
        IDataView test = ml.Data.LoadFromEnumerable(rows.Where((_, i) => i % 5 == 0));
        var model = MLTestData.KeyIds(ml).Append(ml.Personalization().Trainers.BiasedMatrixFactorization("Label", "user_key", "item_key")).Fit(train);
        IDataView scored = model.Transform(test);

        RegressionMetrics theirs = ml.Regression.Evaluate(scored, "Label", "Score");
        RatingEvaluationMetrics ours = ml.Personalization().EvaluateRatings(scored, "Label", "Score");
        float[] predicted = EstimatorWorkout.Scores(scored), actual = [.. scored.GetColumn<float>("Label")];

        Assert.Equal(theirs.RootMeanSquaredError, ours.RootMeanSquaredError, 1e-9);
        Assert.Equal(theirs.MeanAbsoluteError, ours.MeanAbsoluteError, 1e-9);
        Assert.Equal(RatingMetrics.RootMeanSquaredError(predicted, actual), ours.RootMeanSquaredError);
        Assert.Equal(RatingMetrics.MeanAbsoluteError(predicted, actual), ours.MeanAbsoluteError);
        Assert.Equal((actual.Length, 0L), ((int)ours.Count, ours.Skipped));
        Assert.InRange(ours.RootMeanSquaredError, 0.1, 1.0);
    }

    [Fact]
    public void Rows_without_a_label_are_skipped_and_counted_as_MLNET_skips_them()
    {
        var ml = new MLContext(seed: 1);
        IDataView scored = ml.Data.LoadFromEnumerable(new[]
        {
            new Scored { Label = 4, Score = 3.5f }, new Scored { Label = float.NaN, Score = 2 }, new Scored { Label = 2, Score = 3 },
        });

        RatingEvaluationMetrics ours = ml.Personalization().EvaluateRatings(scored);
        RegressionMetrics theirs = ml.Regression.Evaluate(scored);

        Assert.Equal((2L, 1L), (ours.Count, ours.Skipped));
        Assert.Equal(theirs.MeanAbsoluteError, ours.MeanAbsoluteError, 1e-9);
        Assert.Equal(theirs.RootMeanSquaredError, ours.RootMeanSquaredError, 1e-9);
    }

    [Fact]
    public void A_missing_or_mistyped_column_is_named()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new MLTestData.RatingRow { UserId = "u", ItemId = "i", Label = 3 } });

        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Personalization().EvaluateRatings(data));
        var mistyped = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Personalization().EvaluateRatings(data, "Label", "UserId"));

        Assert.Contains("Could not find the score column 'Score' (expected Single)", missing.Message);
        Assert.Contains("Column 'UserId' for the score should be Single, but is instead String.", mistyped.Message);
    }

    private sealed class Scored
    {
        public float Label { get; set; }

        public float Score { get; set; }
    }
}
