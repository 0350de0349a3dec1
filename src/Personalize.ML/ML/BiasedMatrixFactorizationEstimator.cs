using Microsoft.ML;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Core.ML;

/// <summary>
/// The ML.NET estimator of <see cref="BiasedMatrixFactorizationTrainer"/>: fits explicit-rating matrix factorization (global mean,
/// user and item biases, factors) on an <see cref="IDataView"/> of (user, item, rating) rows and returns a
/// <see cref="FactorModelTransformer"/> whose <c>Score</c> is the predicted rating. Make it with
/// <c>mlContext.Personalization().Trainers.BiasedMatrixFactorization(...)</c>.
/// </summary>
/// <remarks>
/// The user and item columns are keys of UInt32 (as made by <c>MapValueToKey</c>) or text; the rating (label) column is a number.
/// The columns are checked before any work and a mismatch throws with the column's name and the expected type. A (user, item) pair
/// rated twice follows <see cref="RatingMatrixOptions.Duplicates"/> (rejected by default). The estimator is immutable and thread-safe.
/// </remarks>
public sealed class BiasedMatrixFactorizationEstimator : IEstimator<FactorModelTransformer>
{
    private readonly BiasedMatrixFactorizationTrainer _trainer;
    private readonly DataViewInteractionReader _reader;

    internal BiasedMatrixFactorizationEstimator(BiasedMatrixFactorizationTrainer.Options options, DataViewInteractionReaderOptions columns,
        RatingMatrixOptions? ratings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.WeightColumnName is { } weight)
        {
            throw new ArgumentException($"The rating trainer counts each rating once, so the weight column '{weight}' would be read and ignored; "
                + "leave WeightColumnName unset (to weigh events, train implicit feedback with ImplicitAls).", nameof(columns));
        }

        if (string.IsNullOrEmpty(columns.RatingColumnName))
        {
            columns = columns with { RatingColumnName = PersonalizationTrainers.DefaultLabelColumnName };
        }

        _trainer = new BiasedMatrixFactorizationTrainer(options);
        _reader = new DataViewInteractionReader(columns);
        Ratings = ratings ?? new RatingMatrixOptions();
        Internal.OptionsValidation.ThrowIfInvalid(Ratings, nameof(RatingMatrixOptions));
    }

    /// <summary>Gets the trainer's settings.</summary>
    public BiasedMatrixFactorizationTrainer.Options TrainerOptions => _trainer.TrainerOptions;

    /// <summary>Gets which columns are read (<see cref="DataViewInteractionReaderOptions.RatingColumnName"/> is the label) and what
    /// happens to bad rows.</summary>
    public DataViewInteractionReaderOptions Columns => _reader.Options;

    /// <summary>Gets what happens to repeated ratings of a pair.</summary>
    public RatingMatrixOptions Ratings { get; }

    /// <summary>Trains on the data view.</summary>
    /// <param name="input">The training rows.</param>
    /// <returns>The transformer, holding the model.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it and the expected type.</exception>
    /// <exception cref="ArgumentException">The data view has no rows to learn from.</exception>
    /// <exception cref="InteractionDataException">A row is bad, or a pair is rated twice, under <see cref="BadRowPolicy.Fail"/>.</exception>
    public FactorModelTransformer Fit(IDataView input) => Fit(input, null, default);

    /// <summary>Trains on the data view, reporting each epoch.</summary>
    /// <param name="input">The training rows.</param>
    /// <param name="progress">Receives one report per epoch, if given.</param>
    /// <param name="cancellationToken">Cancels reading and training.</param>
    /// <returns>The transformer, holding the model.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it and the expected type.</exception>
    /// <exception cref="ArgumentException">The data view has no rows to learn from.</exception>
    /// <exception cref="InteractionDataException">A row is bad, or a pair is rated twice, under <see cref="BadRowPolicy.Fail"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public FactorModelTransformer Fit(IDataView input, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        EstimatorInput.Check(input.Schema, Columns);
        InteractionLog log = _reader.Read(input, cancellationToken);
        EstimatorInput.ThrowIfEmpty(log, Columns, "BiasedMatrixFactorization");
        RatingMatrix ratings = RatingMatrix.FromLog(log, Ratings);
        FactorModel model = _trainer.Fit(ratings, progress, cancellationToken);
        var report = new LoadReport(log.Report.Source, ratings.Report.Accepted, log.Report.Rejected + ratings.Report.Rejected,
            [.. log.Report.RejectedRows, .. ratings.Report.RejectedRows], log.Report.Elapsed + ratings.Report.Elapsed);
        return new FactorModelTransformer(model, Columns.UserColumnName, Columns.ItemColumnName, report);
    }

    /// <summary>Gets the shape of the output for an input shape: the input's columns and a Single <c>Score</c>.</summary>
    /// <param name="inputSchema">The shape of the training data.</param>
    /// <returns>The output shape.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it and the expected type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        EstimatorInput.Check(inputSchema, Columns);
        return PersonalizationColumns.WithScore(inputSchema);
    }
}
