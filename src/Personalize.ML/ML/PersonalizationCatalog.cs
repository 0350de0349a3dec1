using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.Evaluation;

namespace Personalize.Core.ML;

/// <summary>
/// Personalize.Core in ML.NET: <c>mlContext.Personalization()</c>. <see cref="Trainers"/> makes estimators that fit in a pipeline
/// next to ML.NET's transforms, <see cref="Model"/> saves and loads pipelines that contain them, and <see cref="EvaluateRatings"/>
/// measures rating predictions.
/// </summary>
/// <remarks>Thread-safe; the catalog holds only the <see cref="MLContext"/>.</remarks>
/// <example>
/// <code>
/// var ml = new MLContext(seed: 1);
/// IDataView data = ml.Data.LoadFromTextFile&lt;Rating&gt;("ratings.csv", separatorChar: ',', hasHeader: true);
/// var pipeline = ml.Transforms.Conversion.MapValueToKey("user_key", "user_id")
///     .Append(ml.Transforms.Conversion.MapValueToKey("item_key", "item_id"))
///     .Append(ml.Personalization().Trainers.BiasedMatrixFactorization("Label", "user_key", "item_key"));
/// var model = pipeline.Fit(data);
/// IDataView scored = model.Transform(data);                          // adds Score
/// var metrics = ml.Personalization().EvaluateRatings(scored);       // RMSE and MAE, as ml.Regression.Evaluate computes them
/// </code>
/// </example>
public sealed class PersonalizationCatalog
{
    internal PersonalizationCatalog(MLContext mlContext)
    {
        Trainers = new PersonalizationTrainers();
        Model = new PersonalizationModelOperations(mlContext);
    }

    /// <summary>Gets the trainers: implicit ALS and biased matrix factorization, as ML.NET estimators.</summary>
    public PersonalizationTrainers Trainers { get; }

    /// <summary>Gets the operations that save and load pipelines containing a <see cref="FactorModelTransformer"/>.</summary>
    public PersonalizationModelOperations Model { get; }

    /// <summary>
    /// Measures predicted ratings against actual ones: RMSE and MAE with <see cref="RatingMetrics"/>, over the rows whose label and
    /// score are both finite numbers (as ML.NET's regression evaluator, which skips rows without a label).
    /// </summary>
    /// <param name="data">Scored data, such as the output of a pipeline ending in an explicit trainer.</param>
    /// <param name="labelColumnName">The actual ratings: a Single column.</param>
    /// <param name="scoreColumnName">The predictions: a Single column.</param>
    /// <returns>The metrics and how many rows they cover and skip.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or is not Single; the message names it.</exception>
    /// <exception cref="ArgumentException">No row has both a finite label and a finite score.</exception>
    public RatingEvaluationMetrics EvaluateRatings(IDataView data, string labelColumnName = PersonalizationTrainers.DefaultLabelColumnName,
        string scoreColumnName = FactorModelTransformer.ScoreColumnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        DataViewSchema.Column label = RequireSingle(data.Schema, labelColumnName, "label");
        DataViewSchema.Column score = RequireSingle(data.Schema, scoreColumnName, "score");
        var predicted = new List<float>();
        var actual = new List<float>();
        long skipped = 0;
        using (DataViewRowCursor cursor = data.GetRowCursor([label, score]))
        {
            ValueGetter<float> labelGetter = cursor.GetGetter<float>(label), scoreGetter = cursor.GetGetter<float>(score);
            float l = 0, s = 0;
            while (cursor.MoveNext())
            {
                labelGetter(ref l);
                scoreGetter(ref s);
                if (float.IsFinite(l) && float.IsFinite(s))
                {
                    actual.Add(l);
                    predicted.Add(s);
                }
                else
                {
                    skipped++;
                }
            }
        }

        if (actual.Count == 0)
        {
            throw new ArgumentException(
                $"No row has both a finite label in column '{labelColumnName}' and a finite score in column '{scoreColumnName}' ({skipped} rows skipped).", nameof(data));
        }

        float[] p = [.. predicted], a = [.. actual];
        return new RatingEvaluationMetrics(a.Length, skipped, RatingMetrics.RootMeanSquaredError(p, a), RatingMetrics.MeanAbsoluteError(p, a));
    }

    private static DataViewSchema.Column RequireSingle(DataViewSchema schema, string name, string role)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException("data", $"Could not find the {role} column '{name}' (expected Single); the data view's columns are: "
                + string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name)) + ".");
        if (column.Type != NumberDataViewType.Single)
        {
            throw new ArgumentOutOfRangeException("data", $"Column '{name}' for the {role} should be Single, but is instead {column.Type}.");
        }

        return column;
    }
}
