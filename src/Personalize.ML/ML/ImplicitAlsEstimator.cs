using Microsoft.ML;
using Personalize.Core.Data;
using Personalize.Core.Models;
using Personalize.Core.Training;

namespace Personalize.Core.ML;

/// <summary>
/// The ML.NET estimator of <see cref="ImplicitAlsTrainer"/>: fits implicit-feedback ALS on an <see cref="IDataView"/> of (user, item)
/// rows and returns a <see cref="FactorModelTransformer"/>. Make it with <c>mlContext.Personalization().Trainers.ImplicitAls(...)</c>.
/// </summary>
/// <remarks>
/// The user and item columns are keys of UInt32 (as made by <c>MapValueToKey</c>; the model's ids are the key values, the original
/// text) or text. An optional numeric weight column (such as a count or a label) weighs each row; repeated (user, item) rows add up.
/// The columns are checked before any work, and a missing column or a wrong type throws with the column's name and the expected
/// type, as ML.NET's trainers do. Rows with a missing id or a bad weight fail the fit under <see cref="BadRowPolicy.Fail"/>, or are
/// skipped and counted in <see cref="FactorModelTransformer.TrainingReport"/> under <see cref="BadRowPolicy.SkipAndReport"/>.
/// The estimator is immutable and thread-safe.
/// </remarks>
public sealed class ImplicitAlsEstimator : IEstimator<FactorModelTransformer>
{
    private readonly ImplicitAlsTrainer _trainer;
    private readonly DataViewInteractionReader _reader;

    internal ImplicitAlsEstimator(ImplicitAlsTrainer.Options options, DataViewInteractionReaderOptions columns, FeedbackOptions? feedback)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(columns);
        _trainer = new ImplicitAlsTrainer(options);
        _reader = new DataViewInteractionReader(columns);
        Feedback = feedback ?? new FeedbackOptions();
    }

    /// <summary>Gets the trainer's settings.</summary>
    public ImplicitAlsTrainer.Options TrainerOptions => _trainer.TrainerOptions;

    /// <summary>Gets which columns are read and what happens to bad rows.</summary>
    public DataViewInteractionReaderOptions Columns => _reader.Options;

    /// <summary>Gets the time decay applied to the rows' weights.</summary>
    public FeedbackOptions Feedback { get; }

    /// <summary>Trains on the data view.</summary>
    /// <param name="input">The training rows.</param>
    /// <returns>The transformer, holding the model.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it and the expected type.</exception>
    /// <exception cref="ArgumentException">The data view has no rows to learn from.</exception>
    /// <exception cref="InteractionDataException">A row is bad under <see cref="BadRowPolicy.Fail"/>.</exception>
    public FactorModelTransformer Fit(IDataView input) => Fit(input, null, default);

    /// <summary>Trains on the data view, reporting each epoch.</summary>
    /// <param name="input">The training rows.</param>
    /// <param name="progress">Receives one report per epoch, if given.</param>
    /// <param name="cancellationToken">Cancels reading and training.</param>
    /// <returns>The transformer, holding the model.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it and the expected type.</exception>
    /// <exception cref="ArgumentException">The data view has no rows to learn from.</exception>
    /// <exception cref="InteractionDataException">A row is bad under <see cref="BadRowPolicy.Fail"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public FactorModelTransformer Fit(IDataView input, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        EstimatorInput.Check(input.Schema, Columns);
        InteractionLog log = _reader.Read(input, cancellationToken);
        EstimatorInput.ThrowIfEmpty(log, Columns, "ImplicitAls");
        FeedbackMatrix feedback = FeedbackMatrix.FromLog(log, Feedback);
        FactorModel model = _trainer.Fit(feedback, progress, cancellationToken);
        LoadReport report = log.Report;
        if (feedback.CountZeroWeightPairs() is > 0 and int zero)
        {
            // A weight column of 0/1 labels makes every 0 row a pair the user had: say so where the caller looks at what was read.
            report = new LoadReport(report.Source, report.Accepted, report.Rejected, report.RejectedRows, report.Elapsed,
            [
                .. report.Notes,
                string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{zero:N0} (user, item) pairs weigh 0 in all ({Columns.WeightColumnName ?? "the event weight"} is 0 on every row of the pair): they still count as had (left out of that user's recommendations) and as interactions of the lowest confidence. Filter those rows out of the data view to drop the pairs."),
            ])
            { Returns = report.Returns };
        }

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
