namespace Personalize.Core.ML;

/// <summary>The result of <see cref="PersonalizationCatalog.EvaluateRatings"/>. Immutable and thread-safe.</summary>
public sealed class RatingEvaluationMetrics
{
    internal RatingEvaluationMetrics(long count, long skipped, double rootMeanSquaredError, double meanAbsoluteError)
    {
        Count = count;
        Skipped = skipped;
        RootMeanSquaredError = rootMeanSquaredError;
        MeanAbsoluteError = meanAbsoluteError;
    }

    /// <summary>Gets how many rows were measured.</summary>
    public long Count { get; }

    /// <summary>Gets how many rows were skipped because their label or score was NaN or infinite.</summary>
    public long Skipped { get; }

    /// <summary>Gets the root mean squared error, in rating units.</summary>
    public double RootMeanSquaredError { get; }

    /// <summary>Gets the mean absolute error, in rating units.</summary>
    public double MeanAbsoluteError { get; }
}
