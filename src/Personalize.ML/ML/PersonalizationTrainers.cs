using Personalize.Core.Data;
using Personalize.Core.Training;

namespace Personalize.Core.ML;

/// <summary>
/// The trainers of <see cref="PersonalizationCatalog"/>, as ML.NET estimators: <c>mlContext.Personalization().Trainers</c>.
/// </summary>
/// <remarks>
/// Each trainer has two overloads, as ML.NET's catalogs do: the column names and the few settings people change most, or the
/// trainer's full <c>Options</c> with the column settings. Thread-safe.
/// </remarks>
public sealed class PersonalizationTrainers
{
    /// <summary>The default user id column, as in the CSV files this library reads.</summary>
    public const string DefaultUserIdColumnName = "user_id";

    /// <summary>The default item id column, as in the CSV files this library reads.</summary>
    public const string DefaultItemIdColumnName = "item_id";

    /// <summary>The default rating column of the explicit trainer, as ML.NET names labels.</summary>
    public const string DefaultLabelColumnName = "Label";

    internal PersonalizationTrainers()
    {
    }

    /// <summary>Creates an implicit-feedback ALS estimator (views, carts, purchases; no ratings).</summary>
    /// <param name="userIdColumnName">The user column: a key of UInt32 (as made by <c>MapValueToKey</c>) or text.</param>
    /// <param name="itemIdColumnName">The item column: a key of UInt32 or text.</param>
    /// <param name="weightColumnName">A numeric column that weighs each row (such as a count), or <see langword="null"/> for 1 per row.</param>
    /// <param name="numberOfFactors">How many latent factors per user and item (1 to 1024).</param>
    /// <param name="numberOfIterations">How many ALS epochs.</param>
    /// <param name="regularization">λ, relative to each user's and item's total confidence.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">A setting is out of range; the message lists every error.</exception>
    public ImplicitAlsEstimator ImplicitAls(string userIdColumnName = DefaultUserIdColumnName, string itemIdColumnName = DefaultItemIdColumnName,
        string? weightColumnName = null, int numberOfFactors = CatalogDefaults.ImplicitAlsNumberOfFactors,
        int numberOfIterations = CatalogDefaults.ImplicitAlsNumberOfIterations, float regularization = CatalogDefaults.ImplicitAlsRegularization) =>
        new(new ImplicitAlsTrainer.Options { NumberOfFactors = numberOfFactors, NumberOfIterations = numberOfIterations, Regularization = regularization },
            Columns(userIdColumnName, itemIdColumnName) with { WeightColumnName = weightColumnName }, null);

    /// <summary>Creates an implicit-feedback ALS estimator with every setting.</summary>
    /// <param name="options">The trainer's settings.</param>
    /// <param name="columns">The columns (user, item, and optionally event type, timestamp and weight) and the bad-row policy;
    /// <see langword="null"/> for <see cref="DefaultUserIdColumnName"/> and <see cref="DefaultItemIdColumnName"/>.</param>
    /// <param name="feedback">Time decay of the weights (needs a timestamp column); <see langword="null"/> for none.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid; the message lists every error.</exception>
    public ImplicitAlsEstimator ImplicitAls(ImplicitAlsTrainer.Options options, DataViewInteractionReaderOptions? columns = null, FeedbackOptions? feedback = null) =>
        new(options, columns ?? Columns(DefaultUserIdColumnName, DefaultItemIdColumnName), feedback);

    /// <summary>Creates an explicit-rating matrix factorization estimator (global mean, user and item biases, factors).</summary>
    /// <param name="labelColumnName">The rating column: a number.</param>
    /// <param name="userIdColumnName">The user column: a key of UInt32 (as made by <c>MapValueToKey</c>) or text.</param>
    /// <param name="itemIdColumnName">The item column: a key of UInt32 or text.</param>
    /// <param name="numberOfFactors">How many latent factors per user and item (1 to 1024).</param>
    /// <param name="numberOfIterations">How many SGD epochs.</param>
    /// <param name="learningRate">The initial SGD step size.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">A setting is out of range; the message lists every error.</exception>
    public BiasedMatrixFactorizationEstimator BiasedMatrixFactorization(string labelColumnName = DefaultLabelColumnName,
        string userIdColumnName = DefaultUserIdColumnName, string itemIdColumnName = DefaultItemIdColumnName,
        int numberOfFactors = CatalogDefaults.BiasedNumberOfFactors, int numberOfIterations = CatalogDefaults.BiasedNumberOfIterations,
        float learningRate = CatalogDefaults.BiasedLearningRate) =>
        new(new BiasedMatrixFactorizationTrainer.Options { NumberOfFactors = numberOfFactors, NumberOfIterations = numberOfIterations, LearningRate = learningRate },
            Columns(userIdColumnName, itemIdColumnName) with { RatingColumnName = labelColumnName }, null);

    /// <summary>Creates an explicit-rating matrix factorization estimator with every setting.</summary>
    /// <param name="options">The trainer's settings.</param>
    /// <param name="columns">The columns and the bad-row policy; the rating is <see cref="DataViewInteractionReaderOptions.RatingColumnName"/>,
    /// or <see cref="DefaultLabelColumnName"/> when that is <see langword="null"/>. <see langword="null"/> for the default columns.</param>
    /// <param name="ratings">What happens to a pair rated twice; <see langword="null"/> to reject it.</param>
    /// <returns>The estimator.</returns>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid; the message lists every error.</exception>
    /// <exception cref="ArgumentException"><paramref name="columns"/> names a weight column: the rating trainer counts each rating once, so
    /// the weights would be read and ignored.</exception>
    public BiasedMatrixFactorizationEstimator BiasedMatrixFactorization(BiasedMatrixFactorizationTrainer.Options options,
        DataViewInteractionReaderOptions? columns = null, RatingMatrixOptions? ratings = null) =>
        new(options, columns ?? Columns(DefaultUserIdColumnName, DefaultItemIdColumnName), ratings);

    private static DataViewInteractionReaderOptions Columns(string user, string item) =>
        new() { UserColumnName = user, ItemColumnName = item };
}
