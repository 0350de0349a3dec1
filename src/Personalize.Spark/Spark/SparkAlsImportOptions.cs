using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Core.Spark;

/// <summary>How <see cref="SparkAlsImporter"/> turns a saved Spark ALS model into a <see cref="FactorModel"/>. Immutable and thread-safe.</summary>
public sealed record SparkAlsImportOptions
{
    /// <summary>
    /// Gets a CSV that maps Spark's integer ids back to the caller's ids, or <see langword="null"/> to use the integers as ids.
    /// </summary>
    /// <remarks>
    /// Spark ALS needs integer ids, so jobs usually index their string ids with <c>StringIndexer</c>. The file has the header
    /// <c>kind,index,id</c> and one row per id: <c>kind</c> is <c>user</c> or <c>item</c>, <c>index</c> the integer Spark saw and
    /// <c>id</c> the caller's id (the indexer's <c>labels[index]</c>). A kind with no rows keeps its integer ids; a kind with rows must
    /// map every factor id of that kind. Duplicate indices or ids are errors naming the line.
    /// </remarks>
    /// <value>The default is <see langword="null"/>.</value>
    public string? IdMappingPath { get; init; }

    /// <summary>
    /// Gets an interaction log (CSV, read with <see cref="InteractionReaderOptions"/>) whose (user, item) pairs become each user's seen
    /// items and each item's popularity, or <see langword="null"/> for none.
    /// </summary>
    /// <remarks>Without it the model has no seen items (recommendations may repeat what a user already has) and zero popularity
    /// (unknown users get an arbitrary list instead of popular items). Its ids are the caller's ids, after <see cref="IdMappingPath"/>.
    /// Rows whose user or item the Spark model does not have are counted in <see cref="SparkAlsImportResult.InteractionsNotInModel"/>.</remarks>
    /// <value>The default is <see langword="null"/>.</value>
    public string? InteractionsPath { get; init; }

    /// <summary>Gets how the interaction log is read.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="CsvInteractionReaderOptions"/>' defaults.</value>
    public CsvInteractionReaderOptions? InteractionReaderOptions { get; init; }

    /// <summary>
    /// Gets whether the Spark model was trained on implicit feedback (<c>implicitPrefs=True</c>) or on ratings, or
    /// <see langword="null"/> to take it from the metadata.
    /// </summary>
    /// <remarks>Spark's <c>ALSModel.save</c> does not record <c>implicitPrefs</c> (it belongs to the estimator, not the model), so
    /// when the metadata lacks it and this is <see langword="null"/>, the model is <see cref="FactorModelKind.Explicit"/>, Spark's
    /// default, and <see cref="SparkAlsImportResult.KindSource"/> says so. Contradicting the metadata is an error.</remarks>
    /// <value>The default is <see langword="null"/>.</value>
    public FactorModelKind? Kind { get; init; }
}
