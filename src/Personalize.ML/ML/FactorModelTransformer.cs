using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Core.ML;

/// <summary>
/// Scores (user, item) rows of an ML.NET <see cref="IDataView"/> with a <see cref="FactorModel"/>: adds a <see cref="float"/> column
/// named <see cref="ScoreColumnName"/> and passes every other column through. Made by the estimators of
/// <see cref="PersonalizationTrainers"/>, or around a saved model with the public constructor.
/// </summary>
/// <remarks>
/// <para>The user and item columns may be keys (as made by <c>MapValueToKey</c>) or text, and need not be numbered as in training:
/// a key is mapped through its <c>KeyValues</c> annotation to the model's ids, so a pipeline fitted on one data view scores another.</para>
/// <para><b>Cold start, never NaN.</b> When both ids are known the score is <see cref="FactorModel.PredictRating(int, int)"/>. When
/// the user or the item is unknown to the model (a new id, a key past the key values, or the missing key 0), the score is what
/// <see cref="FactorModel.PredictRating(string, string)"/> falls back to: for explicit models the global mean plus whichever bias is
/// known, clamped to the training range; for implicit models 0, "no evidence", which ranks below the positive scores of the items a
/// known user is likely to want. To rank items for a user, use <see cref="Recommending.Recommender"/> on <see cref="Model"/>, whose
/// cold-start policy serves popular items.</para>
/// <para>The output is lazy: scores are computed as rows are read, one lookup and one dot product per row. The transformer is
/// immutable and thread-safe; each cursor has its own getters.</para>
/// <para><b>Saving.</b> <c>mlContext.Model.Save</c> cannot save this transformer: ML.NET 5 keeps the members a custom transformer
/// needs to write its state and to be found again on load internal (see <see cref="PersonalizationModelOperations"/>). Save a
/// pipeline that contains it with <c>mlContext.Personalization().Model.Save</c>, or save <see cref="Model"/> with
/// <see cref="ModelFile"/> and wrap it again with this class's constructor.</para>
/// </remarks>
public sealed class FactorModelTransformer : ITransformer
{
    /// <summary>The name of the column the transformer adds, as ML.NET's scorers name it.</summary>
    public const string ScoreColumnName = "Score";

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DataViewSchema, ScoreBinding> _bindings = new();

    /// <summary>Wraps a model, for example one loaded with <see cref="ModelFile.Load"/>, to score a data view.</summary>
    /// <param name="model">The model.</param>
    /// <param name="userIdColumnName">The user column of the data to score: a key of UInt32 or text.</param>
    /// <param name="itemIdColumnName">The item column of the data to score: a key of UInt32 or text.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A column name is empty.</exception>
    public FactorModelTransformer(FactorModel model, string userIdColumnName = PersonalizationTrainers.DefaultUserIdColumnName,
        string itemIdColumnName = PersonalizationTrainers.DefaultItemIdColumnName)
        : this(model, userIdColumnName, itemIdColumnName, null)
    {
    }

    internal FactorModelTransformer(FactorModel model, string userIdColumnName, string itemIdColumnName, LoadReport? trainingReport,
        bool unknownIdsScoreNaN = false)
    {
        UnknownIdsScoreNaN = unknownIdsScoreNaN;
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(userIdColumnName);
        ArgumentException.ThrowIfNullOrEmpty(itemIdColumnName);
        Model = model;
        UserIdColumnName = userIdColumnName;
        ItemIdColumnName = itemIdColumnName;
        TrainingReport = trainingReport;
    }

    /// <summary>Gets the model: serve it with <see cref="Recommending.Recommender"/> for top-K lists, or save it with <see cref="ModelFile"/>.</summary>
    public FactorModel Model { get; }

    /// <summary>Gets the name of the user id column read when scoring.</summary>
    public string UserIdColumnName { get; }

    /// <summary>Gets the name of the item id column read when scoring.</summary>
    public string ItemIdColumnName { get; }

    /// <summary>Gets how the training rows were accounted for (read = accepted + rejected), or <see langword="null"/> when the transformer
    /// was made around an existing model.</summary>
    public LoadReport? TrainingReport { get; }

    /// <summary>Gets whether a user or item the model does not know scores NaN (ML.NET's recommender's behaviour, asked for through
    /// <see cref="Recommendation.MatrixFactorizationTrainer.Options.UnknownIdsScoreNaN"/>) instead of the fallback score (the default).</summary>
    public bool UnknownIdsScoreNaN { get; }

    /// <summary>Gets <see langword="true"/>: rows are scored one at a time, so prediction engines can use the transformer.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>Gets the schema of the output for an input schema: the input's columns and <see cref="ScoreColumnName"/>.</summary>
    /// <param name="inputSchema">The schema of the data to score.</param>
    /// <returns>The output schema.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The user or item column is missing or is neither a key of UInt32 nor text; the message names it.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return Bind(inputSchema).OutputSchema;
    }

    /// <summary>Gets a mapper that scores one row at a time (used by <c>mlContext.Model.CreatePredictionEngine</c>).</summary>
    /// <param name="inputSchema">The schema of the rows to score.</param>
    /// <returns>The mapper.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The user or item column is missing or has the wrong type.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        return new ScoreRowMapper(Bind(inputSchema));
    }

    /// <summary>Scores a data view lazily: returns a view with the input's columns and <see cref="ScoreColumnName"/>.</summary>
    /// <param name="input">The data to score.</param>
    /// <returns>The scored view.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The user or item column is missing or has the wrong type.</exception>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ScoredDataView(Bind(input.Schema), input);
    }

    /// <summary>Always throws: ML.NET's model format cannot hold this transformer through its public API.</summary>
    /// <param name="ctx">Not used.</param>
    /// <exception cref="NotSupportedException">Always, with the way to save a pipeline that contains this transformer.</exception>
    void ICanSaveModel.Save(ModelSaveContext ctx) => throw new NotSupportedException(SaveNotSupported);

    internal const string SaveNotSupported =
        "FactorModelTransformer cannot be saved with mlContext.Model.Save: ML.NET 5 keeps the API a custom transformer needs to write its "
        + "state (ModelSaveContext's writer) and to be found on load (LoadableClassAttribute, ModelLoadContext) internal. Save the pipeline "
        + "with mlContext.Personalization().Model.Save(model, inputSchema, path) and load it with mlContext.Personalization().Model.Load, "
        + "or save transformer.Model with ModelFile.Save and wrap it again with new FactorModelTransformer(model, userColumn, itemColumn). "
        + "If a file path was given, ML.NET had already replaced that file (File.Create) before asking this transformer to save: what is "
        + "there now is an incomplete zip that cannot be loaded; delete it.";

    /// <summary>The binding of a schema, made once per schema object: mapping the key values costs O(keys), not O(rows).</summary>
    private ScoreBinding Bind(DataViewSchema schema) =>
        _bindings.GetValue(schema, s => new ScoreBinding(Model, s, UserIdColumnName, ItemIdColumnName, UnknownIdsScoreNaN));

    /// <summary>This transformer, scoring unknown ids as NaN.</summary>
    internal FactorModelTransformer WithUnknownIdsScoredAsNaN() => new(Model, UserIdColumnName, ItemIdColumnName, TrainingReport, unknownIdsScoreNaN: true);
}
