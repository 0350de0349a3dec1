using Personalize.Core.Evaluation;

namespace Personalize.Core.Tests.Evaluation;

public sealed class RatingMetricsTests
{
    [Fact]
    public void RootMeanSquaredError_matches_a_hand_computed_example()
    {
        // Errors 3-2 = 1, 4-4 = 0, 5-7 = -2, 1.5-1 = 0.5. Squares 1 + 0 + 4 + 0.25 = 5.25; / 4 = 1.3125; sqrt = 1.145644.
        double rmse = RatingMetrics.RootMeanSquaredError([3f, 4f, 5f, 1.5f], [2f, 4f, 7f, 1f]);

        Assert.Equal(Math.Sqrt(1.3125), rmse, 12);
        Assert.Equal(1.145644, rmse, 6);
    }

    [Fact]
    public void MeanAbsoluteError_matches_a_hand_computed_example()
    {
        // |3-2| + |4-4| + |5-7| + |1.5-1| = 1 + 0 + 2 + 0.5 = 3.5; / 4 = 0.875.
        double mae = RatingMetrics.MeanAbsoluteError([3f, 4f, 5f, 1.5f], [2f, 4f, 7f, 1f]);

        Assert.Equal(0.875, mae, 12);
    }

    [Fact]
    public void Perfect_predictions_have_no_error()
    {
        float[] ratings = [1f, 2.5f, 5f];

        Assert.Equal(0.0, RatingMetrics.RootMeanSquaredError(ratings, ratings));
        Assert.Equal(0.0, RatingMetrics.MeanAbsoluteError(ratings, ratings));
    }

    [Fact]
    public void Errors_are_summed_in_double_precision()
    {
        // A float sum of a million errors of 0.1f drifts by about 1% (to about 100958); a double sum stays within 1e-9 of 100000 × 0.1f.
        var predicted = new float[1_000_000];
        var actual = new float[predicted.Length];
        Array.Fill(predicted, 0.1f);

        Assert.Equal((double)0.1f, RatingMetrics.MeanAbsoluteError(predicted, actual), 9);
        Assert.Equal((double)0.1f, RatingMetrics.RootMeanSquaredError(predicted, actual), 9);
    }

    [Fact]
    public void Inputs_of_different_lengths_are_rejected()
    {
        var rmse = Assert.Throws<ArgumentException>(() => RatingMetrics.RootMeanSquaredError([1f, 2f], [1f]));
        var mae = Assert.Throws<ArgumentException>(() => RatingMetrics.MeanAbsoluteError([1f], [1f, 2f, 3f]));

        Assert.Equal("actual", rmse.ParamName);
        Assert.StartsWith("There are 2 predicted ratings and 1 actual ratings; give one prediction per actual rating.", rmse.Message);
        Assert.StartsWith("There are 1 predicted ratings and 3 actual ratings;", mae.Message);
    }

    [Fact]
    public void Empty_inputs_are_rejected()
    {
        var rmse = Assert.Throws<ArgumentException>(() => RatingMetrics.RootMeanSquaredError([], []));
        var mae = Assert.Throws<ArgumentException>(() => RatingMetrics.MeanAbsoluteError([], []));

        foreach (ArgumentException e in new[] { rmse, mae })
        {
            Assert.Equal("predicted", e.ParamName);
            Assert.StartsWith("There are no ratings to compare; give at least one predicted and actual rating.", e.Message);
        }
    }
}
