using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using Personalize.Core.Data;
using Personalize.Core.Training;

namespace Personalize.Core.ML.Recommendation;

/// <summary>
/// ML.NET's matrix-factorization trainer, by its names (<c>Microsoft.ML.Trainers.MatrixFactorizationTrainer</c>, from the
/// <c>Microsoft.ML.Recommender</c> package), trained by this library's managed trainers: code written for ML.NET's recommender that
/// creates the trainer from the catalog or options, fits, transforms, evaluates and predicts compiles against this class by changing
/// its <c>using</c> (and the one call ML.NET keeps internal: <c>mlContext.Model.Save</c>, which becomes
/// <c>mlContext.Personalization().Model.Save</c>). Not carried over: <c>Fit(trainData, validationData)</c> (this trainer has no
/// validation-driven stop; hold out rows and evaluate instead) and ML.NET's <c>MatrixFactorizationModelParameters</c> (the model is a
/// <see cref="Personalize.Core.Models.FactorModel"/>, on <see cref="FactorModelTransformer.Model"/>).
/// </summary>
/// <remarks>
/// <para><see cref="LossFunctionType.SquareLossRegression"/> (the default) trains <see cref="BiasedMatrixFactorizationTrainer"/>: ratings
/// as global mean + user and item biases + factors (LIBMF has no biases). <see cref="LossFunctionType.SquareLossOneClass"/> trains
/// <see cref="ImplicitAlsTrainer"/>: every row is a positive and the label is ignored, as LIBMF ignores it.</para>
/// <para>The matrix's column index is the user, its row index the item, as in ML.NET's samples; both are key columns (text works too).
/// A pair given twice is averaged (ratings) or counted twice (one-class), as LIBMF's squared loss treats repeated entries.</para>
/// <para>How ML.NET's settings map, and what differs, is written on each field of <see cref="Options"/>. Two deliberate differences:
/// a user or item the model has never seen gets the fallback score (the global mean and the known bias for ratings, 0 for one-class)
/// instead of NaN, unless <see cref="Options.UnknownIdsScoreNaN"/> asks for ML.NET's NaN; and training is deterministic (same data
/// and options, same model, for any <see cref="Options.NumberOfThreads"/>).</para>
/// </remarks>
public sealed class MatrixFactorizationTrainer : IEstimator<FactorModelTransformer>
{
    private readonly IEstimator<FactorModelTransformer> _inner;
    private readonly Func<IDataView, IProgress<TrainingProgress>?, FactorModelTransformer> _fit;
    private readonly IHost _host;
    private readonly Options _options;

    internal MatrixFactorizationTrainer(MLContext mlContext, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(options);
        _options = options.Clone();
        _host = ((IHostEnvironment)mlContext).Register(nameof(MatrixFactorizationTrainer));
        var columns = new DataViewInteractionReaderOptions
        {
            UserColumnName = options.MatrixColumnIndexColumnName, ItemColumnName = options.MatrixRowIndexColumnName,
        };
        var trainers = new PersonalizationTrainers();
        if (options.LossFunction == LossFunctionType.SquareLossRegression)
        {
            var defaults = new BiasedMatrixFactorizationTrainer.Options();
            BiasedMatrixFactorizationEstimator biased = trainers.BiasedMatrixFactorization(defaults with
            {
                NumberOfFactors = options.ApproximationRank,
                NumberOfIterations = options.NumberOfIterations,
                LearningRate = (float)(options.LearningRate * (defaults.LearningRate / Defaults.LearningRate)),
                RatingRegularization = (float)(options.Lambda * (defaults.RatingRegularization / Defaults.Lambda)),
                NumberOfThreads = options.NumberOfThreads,
            }, columns with { RatingColumnName = options.LabelColumnName }, new RatingMatrixOptions { Duplicates = DuplicateRatingPolicy.Average });
            _inner = biased;
            _fit = (input, progress) => biased.Fit(input, progress);
        }
        else
        {
            var defaults = new ImplicitAlsTrainer.Options();
            ImplicitAlsEstimator implicitAls = trainers.ImplicitAls(defaults with
            {
                NumberOfFactors = options.ApproximationRank,
                NumberOfIterations = options.NumberOfIterations,
                Regularization = (float)(options.Lambda * (defaults.Regularization / Defaults.Lambda)),
                ConfidenceScale = options.Alpha == Defaults.Alpha ? defaults.ConfidenceScale : (float)(1 / options.Alpha - 1),
                NumberOfThreads = options.NumberOfThreads,
            }, columns);
            _inner = implicitAls;
            _fit = (input, progress) => implicitAls.Fit(input, progress);
        }
    }

    /// <summary>Gets a copy of the settings this trainer was made with (changing it does not change the trainer).</summary>
    public Options TrainerOptions => _options.Clone();

    /// <summary>Trains on the data view; unless <see cref="Options.Quiet"/>, each epoch is logged through <see cref="MLContext.Log"/>.</summary>
    /// <param name="input">The training rows.</param>
    /// <returns>The transformer that adds <c>Score</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it.</exception>
    /// <exception cref="ArgumentException">The data view has no rows to learn from.</exception>
    /// <exception cref="InteractionDataException">A row is bad (for example a missing key).</exception>
    public FactorModelTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using IChannel channel = _host.Start("Training");
        FactorModelTransformer fitted = _fit(input, _options.Quiet ? null : new ChannelProgress(channel));
        return _options.UnknownIdsScoreNaN ? fitted.WithUnknownIdsScoredAsNaN() : fitted;
    }

    /// <summary>Gets the output schema: the input's and a Single <c>Score</c>.</summary>
    /// <param name="inputSchema">The input's schema shape.</param>
    /// <returns>The output's schema shape.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => _inner.GetOutputSchema(inputSchema);

    private static void Check(Options options)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(options.MatrixColumnIndexColumnName))
        {
            errors.Add("MatrixColumnIndexColumnName (the user column) must be set.");
        }

        if (string.IsNullOrEmpty(options.MatrixRowIndexColumnName))
        {
            errors.Add("MatrixRowIndexColumnName (the item column) must be set.");
        }

        if (options.LossFunction == LossFunctionType.SquareLossRegression && string.IsNullOrEmpty(options.LabelColumnName))
        {
            errors.Add("LabelColumnName (the rating) must be set for SquareLossRegression.");
        }

        if (options.NonNegative)
        {
            errors.Add("NonNegative = true is not supported: these trainers do not constrain the factors' sign.");
        }

        if (options.LossFunction is not (LossFunctionType.SquareLossRegression or LossFunctionType.SquareLossOneClass))
        {
            errors.Add($"LossFunction {(int)options.LossFunction} is not SquareLossRegression or SquareLossOneClass.");
        }

        if (options.LossFunction == LossFunctionType.SquareLossOneClass && Math.Abs(options.C) > 1e-3)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture,
                $"C = {options.C} is not supported: the one-class trainer fits unobserved entries to 0 (ML.NET's default C is 1E-06)."));
        }

        if (options.LossFunction == LossFunctionType.SquareLossOneClass && !(options.Alpha > 0 && options.Alpha < 1))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Alpha = {options.Alpha} must be above 0 and below 1."));
        }

        if (!(options.Lambda >= 0) || !(options.LearningRate > 0))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Lambda = {options.Lambda} must be 0 or more and LearningRate = {options.LearningRate} above 0."));
        }

        // The trainers' own ranges, in ML.NET's units (the rate and λ are scaled to this library's; see the constructor).
        bool ratings = options.LossFunction == LossFunctionType.SquareLossRegression;
        // RatingRegularization is in [0, 100], the implicit Regularization and ConfidenceScale in [0, 1e6], LearningRate in [1e-6, 1].
        var biased = new BiasedMatrixFactorizationTrainer.Options();
        double maxLambda = ratings
            ? 100.0 / (biased.RatingRegularization / Defaults.Lambda)
            : 1e6 / (new ImplicitAlsTrainer.Options().Regularization / Defaults.Lambda);
        double rateScale = biased.LearningRate / Defaults.LearningRate;
        double minRate = 1e-6 / rateScale, maxRate = 1.0 / rateScale;
        if (options.ApproximationRank is < 1 or > 1024)
        {
            errors.Add($"ApproximationRank = {options.ApproximationRank} must be between 1 and 1024.");
        }

        if (options.NumberOfIterations is < 1 or > 10_000)
        {
            errors.Add($"NumberOfIterations = {options.NumberOfIterations} must be between 1 and 10000.");
        }

        if (options.Lambda > maxLambda)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Lambda = {options.Lambda} must be at most {maxLambda:G4}."));
        }

        if (ratings && options.LearningRate > 0 && (options.LearningRate < minRate || options.LearningRate > maxRate))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"LearningRate = {options.LearningRate} must be between {minRate:G4} and {maxRate:G4}."));
        }

        // Alpha maps to a confidence scale of 1 / Alpha - 1, which the implicit trainer takes up to 1e6.
        if (!ratings && options.Alpha > 0 && options.Alpha < 1 && options.Alpha != Defaults.Alpha && 1 / options.Alpha - 1 > 1e6)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Alpha = {options.Alpha} must be at least {1 / (1e6 + 1):G4} (a confidence scale of 1 / Alpha - 1 up to 1E+06)."));
        }

        int maxThreads = ratings ? 256 : 1024;
        if (options.NumberOfThreads < 1 || options.NumberOfThreads > maxThreads)
        {
            errors.Add($"NumberOfThreads = {options.NumberOfThreads} must be between 1 and {maxThreads}, or null for the machine's cores.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"MatrixFactorizationTrainer.Options are invalid ({errors.Count} error{(errors.Count == 1 ? "" : "s")}): "
                + string.Join(" ", errors), nameof(options));
        }
    }

    /// <summary>ML.NET's defaults, which map to this library's defaults.</summary>
    private static class Defaults
    {
        public const double Lambda = 0.1;
        public const double LearningRate = 0.1;
        public const double Alpha = 0.0001;
    }

    /// <summary>Writes each epoch to an ML.NET channel, which raises <see cref="MLContext.Log"/>.</summary>
    private sealed class ChannelProgress(IChannel channel) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Retries > 0)
            {
                channel.Warning(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
                    $"epoch {value.Epoch}: the training error diverged, so the epoch was run again {value.Retries} time(s), the step size halved each time, now {value.LearningRate:G3}; a smaller LearningRate trains without the retries"));
            }

            channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
                $"epoch {value.Epoch} of {value.NumberOfEpochs}: training loss {value.Loss:G6}, {value.EpochTime.TotalMilliseconds:F1} ms"));
        }
    }

    /// <summary>The loss functions of ML.NET's trainer.</summary>
    public enum LossFunctionType
    {
        /// <summary>Squared error on the label: explicit ratings (<see cref="BiasedMatrixFactorizationTrainer"/>).</summary>
        SquareLossRegression = 0,

        /// <summary>One-class: observed pairs are positives, all others weak negatives (<see cref="ImplicitAlsTrainer"/>).</summary>
        SquareLossOneClass = 12,
    }

    /// <summary>
    /// ML.NET's options, with its names, mutable fields and defaults, so that code written for <c>Microsoft.ML.Trainers</c> compiles
    /// unchanged. Where a setting means something else in these trainers, the field says how it is mapped.
    /// </summary>
    public sealed class Options
    {
        /// <summary>The rating column (Single). Ignored by <see cref="LossFunctionType.SquareLossOneClass"/>. Default <c>Label</c>.</summary>
        public string LabelColumnName = "Label";

        /// <summary>The matrix's column index: the user column, a key (or text).</summary>
        public string MatrixColumnIndexColumnName = "";

        /// <summary>The matrix's row index: the item column, a key (or text).</summary>
        public string MatrixRowIndexColumnName = "";

        /// <summary>The loss: <see cref="LossFunctionType.SquareLossRegression"/> (default) or <see cref="LossFunctionType.SquareLossOneClass"/>.</summary>
        public LossFunctionType LossFunction = LossFunctionType.SquareLossRegression;

        /// <summary>L2 regularization, default 0.1. Scaled so that ML.NET's default gives this library's: × 0.3 into
        /// <see cref="BiasedMatrixFactorizationTrainer.Options.RatingRegularization"/> (per rating, as LIBMF's λ), × 0.3 into
        /// <see cref="ImplicitAlsTrainer.Options.Regularization"/>.</summary>
        public double Lambda = Defaults.Lambda;

        /// <summary>The number of factors, default 8.</summary>
        public int ApproximationRank = 8;

        /// <summary>The initial learning rate, default 0.1 (LIBMF's adaptive rate). Scaled by 0.2 into
        /// <see cref="BiasedMatrixFactorizationTrainer.Options.LearningRate"/> (plain SGD with decay); ALS has none and ignores it.</summary>
        public double LearningRate = Defaults.LearningRate;

        /// <summary>The number of epochs, default 20.</summary>
        public int NumberOfIterations = 20;

        /// <summary>The training threads; <see langword="null"/> (default) for one per processor.</summary>
        public int? NumberOfThreads;

        /// <summary>One-class: the weight of unobserved entries relative to observed ones, default 0.0001. Mapped to the confidence
        /// scale of implicit ALS as 1 / Alpha − 1 (an observed pair weighs 1 / Alpha times an unobserved one); ML.NET's default maps to
        /// this library's default scale (50) instead of 9,999, which fits noise.</summary>
        public double Alpha = Defaults.Alpha;

        /// <summary>One-class: the target of unobserved entries, default 0.000001. Implicit ALS fits them to 0; a C beyond ±0.001 is
        /// refused.</summary>
        public double C = 0.000001;

        /// <summary>Non-negative factors: not supported; <see langword="true"/> is refused with a clear error.</summary>
        public bool NonNegative;

        /// <summary>Whether to keep quiet; <see langword="false"/> (default, as in ML.NET) logs each epoch through
        /// <see cref="MLContext.Log"/>.</summary>
        public bool Quiet;

        /// <summary>Not in ML.NET: <see langword="true"/> scores a user or item the model has never seen as NaN, as ML.NET does, instead
        /// of the fallback score (the default, <see langword="false"/>).</summary>
        public bool UnknownIdsScoreNaN;

        internal Options Clone() => (Options)MemberwiseClone();
    }
}
