using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.ML;

namespace Personalize.ML.Tests.TestSupport;

/// <summary>
/// The estimator workout every estimator runs (after ML.NET's <c>TestEstimatorCore</c>): it fits valid input and checks that the
/// estimator's promised output shape matches the transformer's output schema; it checks that every invalid input is rejected by
/// <c>Fit</c> and by <c>GetOutputSchema</c>; and it saves the fitted pipeline, loads it back and checks that the schema and every
/// score are kept.
/// </summary>
internal static class EstimatorWorkout
{
    /// <summary>Runs the workout and returns the fitted transformer.</summary>
    /// <param name="invalid">Inputs that must be rejected, each with a text its error message must contain, and whether the schema alone
    /// is wrong (so <c>GetOutputSchema</c> must reject it too) or only the rows are (an empty view).</param>
    public static TTransformer Run<TTransformer>(MLContext ml, IEstimator<TTransformer> estimator, IDataView valid, IDataView scoring,
        IEnumerable<(IDataView Data, string MessagePart, bool SchemaIsInvalid)> invalid)
        where TTransformer : class, ITransformer
    {
        // 1. Fit valid input; the promised shape agrees with the real schema.
        TTransformer transformer = estimator.Fit(valid);
        SchemaShape promised = estimator.GetOutputSchema(ShapeOf(valid.Schema));
        DataViewSchema actual = transformer.GetOutputSchema(valid.Schema);
        foreach (SchemaShape.Column column in promised)
        {
            DataViewSchema.Column real = actual.GetColumnOrNull(column.Name)
                ?? throw new Xunit.Sdk.XunitException($"GetOutputSchema promised column '{column.Name}', but the transformer has none.");
            DataViewType itemType = real.Type is VectorDataViewType vector ? vector.ItemType : real.Type;
            Assert.Equal(column.IsKey, real.Type is KeyDataViewType);
            if (!column.IsKey)
            {
                Assert.Equal(column.ItemType, itemType);
            }
        }

        Assert.Equal(promised.Count, actual.Count(c => !c.IsHidden));

        // 2. Invalid input is rejected by Fit and by GetOutputSchema, naming what is wrong.
        foreach ((IDataView data, string messagePart, bool schemaIsInvalid) in invalid)
        {
            Exception fit = Assert.ThrowsAny<ArgumentException>(() => estimator.Fit(data));
            Assert.Contains(messagePart, fit.Message, StringComparison.Ordinal);
            if (schemaIsInvalid)
            {
                Exception shape = Assert.ThrowsAny<ArgumentException>(() => estimator.GetOutputSchema(ShapeOf(data.Schema)));
                Assert.Contains(messagePart, shape.Message, StringComparison.Ordinal);
            }
        }

        // 3. Save -> load keeps the schema and the values.
        using var directory = new TempDirectory();
        string path = directory.File("pipeline.zip");
        ml.Personalization().Model.Save(transformer, valid.Schema, path);
        ITransformer loaded = ml.Personalization().Model.Load(path, out DataViewSchema loadedSchema);
        Assert.Equal(valid.Schema.Select(c => (c.Name, c.Type.RawType)), loadedSchema.Select(c => (c.Name, c.Type.RawType)));
        IDataView before = transformer.Transform(scoring), after = loaded.Transform(scoring);
        Assert.Equal(before.Schema.Select(c => (c.Name, c.Type.RawType)), after.Schema.Select(c => (c.Name, c.Type.RawType)));
        float[] expected = Scores(before), got = Scores(after);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, got);
        return transformer;
    }

    /// <summary>Reads the Score column.</summary>
    public static float[] Scores(IDataView data, string column = FactorModelTransformer.ScoreColumnName) =>
        [.. data.GetColumn<float>(column)];

    /// <summary>
    /// The schema shape of a data view. ML.NET keeps <c>SchemaShape.Create</c> internal (its own tests are friends of the assembly),
    /// so the test support calls it by reflection; the library itself never does.
    /// </summary>
    public static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.NonPublic, [typeof(DataViewSchema)])!
            .Invoke(null, [schema])!;
}
