using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Core.Spark;

/// <summary>What <see cref="SparkAlsImporter"/> read and built. Immutable and thread-safe.</summary>
public sealed class SparkAlsImportResult
{
    internal SparkAlsImportResult(FactorModel model, string kindSource, string? sparkVersion, int userFiles, int itemFiles,
        LoadReport? interactions, long interactionsNotInModel, IReadOnlyList<string> foldersWithoutSuccessMarker)
    {
        FoldersWithoutSuccessMarker = foldersWithoutSuccessMarker;
        Model = model;
        KindSource = kindSource;
        SparkVersion = sparkVersion;
        UserFiles = userFiles;
        ItemFiles = itemFiles;
        Interactions = interactions;
        InteractionsNotInModel = interactionsNotInModel;
    }

    /// <summary>Gets the model: Spark's factors with the callers' ids, the rank, the kind, and seen items and popularity when an
    /// interaction log was given.</summary>
    public FactorModel Model { get; }

    /// <summary>Gets where <see cref="FactorModel.Kind"/> came from: <c>metadata</c>, <c>option</c>, or <c>default</c> (Spark's
    /// default, explicit, because the metadata does not record <c>implicitPrefs</c>).</summary>
    public string KindSource { get; }

    /// <summary>Gets the Spark version that saved the model, from the metadata, if recorded.</summary>
    public string? SparkVersion { get; }

    /// <summary>Gets how many Parquet part files held user factors.</summary>
    public int UserFiles { get; }

    /// <summary>Gets how many Parquet part files held item factors.</summary>
    public int ItemFiles { get; }

    /// <summary>Gets how the interaction log was read, or <see langword="null"/> when none was given.</summary>
    public LoadReport? Interactions { get; }

    /// <summary>Gets how many accepted interaction rows name a user or an item the Spark model does not have (they are not used).</summary>
    public long InteractionsNotInModel { get; }

    /// <summary>Gets the factor folders (<c>userFactors</c>, <c>itemFactors</c>) that have no <c>_SUCCESS</c> file. Spark's file committer
    /// writes it once a folder's part files are all in place, so without it the save may have stopped part way and rows may be missing
    /// (unless the job's committer was set to write no marker). Empty when both have it.</summary>
    public IReadOnlyList<string> FoldersWithoutSuccessMarker { get; }
}
