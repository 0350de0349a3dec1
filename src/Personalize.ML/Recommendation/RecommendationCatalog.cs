using Microsoft.ML;
using Microsoft.ML.Data;

namespace Personalize.Core.ML.Recommendation;

/// <summary>
/// ML.NET's recommendation catalog by its names: <c>mlContext.Recommendation()</c>, with <see cref="Trainers"/>,
/// <see cref="Evaluate"/> and <see cref="CrossValidate"/>, trained by this library (see <see cref="MatrixFactorizationTrainer"/>).
/// </summary>
/// <remarks>Thread-safe; the catalog holds only the <see cref="MLContext"/>.</remarks>
public sealed class RecommendationCatalog
{
    private readonly MLContext _mlContext;

    internal RecommendationCatalog(MLContext mlContext)
    {
        _mlContext = mlContext;
        Trainers = new RecommendationTrainers(mlContext);
    }

    /// <summary>Gets the trainers.</summary>
    public RecommendationTrainers Trainers { get; }

    /// <summary>Measures predicted ratings, as ML.NET's recommendation and regression evaluators do.</summary>
    /// <param name="data">Scored data.</param>
    /// <param name="labelColumnName">The actual ratings.</param>
    /// <param name="scoreColumnName">The predictions.</param>
    /// <returns>RMSE, MAE, R² and the loss, from <c>mlContext.Regression.Evaluate</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or is not Single.</exception>
    public RegressionMetrics Evaluate(IDataView data, string labelColumnName = "Label",
        string scoreColumnName = "Score") =>
        _mlContext.Regression.Evaluate(data, labelColumnName, scoreColumnName);

    /// <summary>Trains and evaluates on k folds, as ML.NET's recommendation catalog does.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="estimator">The pipeline, ending in a trainer of <see cref="Trainers"/>.</param>
    /// <param name="numberOfFolds">The number of folds.</param>
    /// <param name="labelColumnName">The actual ratings.</param>
    /// <param name="samplingKeyColumnName">A column whose equal values stay in one fold, or <see langword="null"/>.</param>
    /// <param name="seed">The fold assignment's seed, or <see langword="null"/> for the context's.</param>
    /// <returns>One model, scored view and metrics per fold.</returns>
    public IReadOnlyList<TrainCatalogBase.CrossValidationResult<RegressionMetrics>> CrossValidate(IDataView data, IEstimator<ITransformer> estimator,
        int numberOfFolds = 5, string labelColumnName = "Label", string? samplingKeyColumnName = null, int? seed = null) =>
        _mlContext.Regression.CrossValidate(data, estimator, numberOfFolds, labelColumnName, samplingKeyColumnName, seed);
}

/// <summary>The trainers of <see cref="RecommendationCatalog"/>: <c>mlContext.Recommendation().Trainers</c>.</summary>
public sealed class RecommendationTrainers
{
    private readonly MLContext _mlContext;

    internal RecommendationTrainers(MLContext mlContext) => _mlContext = mlContext;

    /// <summary>Creates a matrix-factorization trainer for ratings (<see cref="MatrixFactorizationTrainer.LossFunctionType.SquareLossRegression"/>).</summary>
    /// <param name="labelColumnName">The rating column.</param>
    /// <param name="matrixColumnIndexColumnName">The user column (a key).</param>
    /// <param name="matrixRowIndexColumnName">The item column (a key).</param>
    /// <param name="approximationRank">The number of factors.</param>
    /// <param name="learningRate">The initial learning rate, as ML.NET's (see <see cref="MatrixFactorizationTrainer.Options.LearningRate"/>).</param>
    /// <param name="numberOfIterations">The number of epochs.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message lists every error.</exception>
    public MatrixFactorizationTrainer MatrixFactorization(string labelColumnName, string matrixColumnIndexColumnName, string matrixRowIndexColumnName,
        int approximationRank = 8, double learningRate = 0.1, int numberOfIterations = 20) =>
        new(_mlContext, new MatrixFactorizationTrainer.Options
        {
            LabelColumnName = labelColumnName, MatrixColumnIndexColumnName = matrixColumnIndexColumnName,
            MatrixRowIndexColumnName = matrixRowIndexColumnName, ApproximationRank = approximationRank, LearningRate = learningRate,
            NumberOfIterations = numberOfIterations,
        });

    /// <summary>Creates a matrix-factorization trainer with every setting.</summary>
    /// <param name="options">The settings (copied: later changes to the object do not affect the trainer).</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentException">A setting is invalid or not supported; the message lists every error.</exception>
    public MatrixFactorizationTrainer MatrixFactorization(MatrixFactorizationTrainer.Options options) => new(_mlContext, options);
}

/// <summary>Adds <see cref="Recommendation"/> to <see cref="MLContext"/>, in place of ML.NET's <c>Microsoft.ML.Recommender</c>.</summary>
public static class RecommendationMLContextExtensions
{
    /// <summary>Gets the recommendation catalog: ML.NET's matrix-factorization API, trained by this library.</summary>
    /// <param name="mlContext">The context.</param>
    /// <returns>The catalog.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="mlContext"/> is null.</exception>
    public static RecommendationCatalog Recommendation(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return new RecommendationCatalog(mlContext);
    }
}
