namespace Personalize.Core.Evaluation;

/// <summary>Error of predicted ratings against actual ratings: root mean squared error and mean absolute error.</summary>
/// <remarks>
/// Both sums are accumulated in <see langword="double"/>, so long inputs do not lose the precision a <see langword="float"/> sum would.
/// A NaN or infinity in either input gives NaN or infinity. The methods allocate nothing and are thread-safe.
/// </remarks>
public static class RatingMetrics
{
    /// <summary>Computes the root mean squared error: sqrt(sum of (predicted - actual)^2 / n).</summary>
    /// <param name="predicted">The predicted ratings.</param>
    /// <param name="actual">The actual ratings, aligned with <paramref name="predicted"/>.</param>
    /// <returns>The RMSE, in rating units; 0 for perfect predictions.</returns>
    /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
    public static double RootMeanSquaredError(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        CheckLengths(predicted, actual);
        double sum = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            double error = (double)predicted[i] - actual[i];
            sum += error * error;
        }

        return Math.Sqrt(sum / predicted.Length);
    }

    /// <summary>Computes the mean absolute error: sum of |predicted - actual| / n.</summary>
    /// <param name="predicted">The predicted ratings.</param>
    /// <param name="actual">The actual ratings, aligned with <paramref name="predicted"/>.</param>
    /// <returns>The MAE, in rating units; 0 for perfect predictions.</returns>
    /// <exception cref="ArgumentException">The spans differ in length or are empty.</exception>
    public static double MeanAbsoluteError(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        CheckLengths(predicted, actual);
        double sum = 0;
        for (int i = 0; i < predicted.Length; i++)
        {
            sum += Math.Abs((double)predicted[i] - actual[i]);
        }

        return sum / predicted.Length;
    }

    private static void CheckLengths(ReadOnlySpan<float> predicted, ReadOnlySpan<float> actual)
    {
        if (predicted.Length != actual.Length)
        {
            throw new ArgumentException(
                $"There are {predicted.Length} predicted ratings and {actual.Length} actual ratings; give one prediction per actual rating.", nameof(actual));
        }

        if (predicted.Length == 0)
        {
            throw new ArgumentException("There are no ratings to compare; give at least one predicted and actual rating.", nameof(predicted));
        }
    }
}
