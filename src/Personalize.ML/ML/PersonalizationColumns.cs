using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Personalize.Core.ML;

/// <summary>
/// Checks the columns the estimators and <see cref="FactorModelTransformer"/> read, in schemas and in schema shapes, with messages that
/// name the column, its role and the expected type (as ML.NET's trainers do), and builds the output shape with the <c>Score</c> column.
/// </summary>
internal static class PersonalizationColumns
{
    public const string IdTypes = "a key of UInt32 (as made by MapValueToKey) or text";
    public const string NumberTypes = "a number (Single, Double, Int32, Int64, UInt32 or UInt64)";
    public const string TextTypes = "text";
    public const string TimeTypes = "DateTime, DateTimeOffset or Unix seconds (a number)";

    private static readonly Lazy<SchemaShape.Column> ScoreShape = new(CreateScoreShape);

    public static DataViewSchema.Column RequireId(DataViewSchema schema, string name, string role) =>
        Require(schema, name, role, IsId, IdTypes);

    public static DataViewSchema.Column RequireNumber(DataViewSchema schema, string name, string role) =>
        Require(schema, name, role, IsNumber, NumberTypes);

    public static DataViewSchema.Column RequireText(DataViewSchema schema, string name, string role) =>
        Require(schema, name, role, t => t is TextDataViewType, TextTypes);

    public static DataViewSchema.Column RequireTime(DataViewSchema schema, string name, string role) =>
        Require(schema, name, role, t => t is DateTimeDataViewType or DateTimeOffsetDataViewType || IsNumber(t), TimeTypes);

    public static void RequireText(SchemaShape shape, string name, string role) =>
        Require(shape, name, role, c => c.Kind == SchemaShape.Column.VectorKind.Scalar && !c.IsKey && c.ItemType is TextDataViewType, TextTypes);

    public static void RequireTime(SchemaShape shape, string name, string role) =>
        Require(shape, name, role, c => c.Kind == SchemaShape.Column.VectorKind.Scalar && !c.IsKey
            && (c.ItemType is DateTimeDataViewType or DateTimeOffsetDataViewType || IsNumber(c.ItemType)), TimeTypes);

    public static void RequireId(SchemaShape shape, string name, string role) =>
        Require(shape, name, role, c => c.Kind == SchemaShape.Column.VectorKind.Scalar
            && (c.IsKey ? c.ItemType == NumberDataViewType.UInt32 : c.ItemType is TextDataViewType), IdTypes);

    public static void RequireNumber(SchemaShape shape, string name, string role) =>
        Require(shape, name, role, c => c.Kind == SchemaShape.Column.VectorKind.Scalar && !c.IsKey && IsNumber(c.ItemType), NumberTypes);

    /// <summary>The input shape with a scalar <see cref="float"/> <c>Score</c> column added (replacing one of that name).</summary>
    public static SchemaShape WithScore(SchemaShape input) =>
        new(input.Where(c => c.Name != FactorModelTransformer.ScoreColumnName).Append(ScoreShape.Value));

    public static bool IsId(DataViewType type) => type is TextDataViewType || (type is KeyDataViewType key && key.RawType == typeof(uint));

    public static bool IsNumber(DataViewType type) => type == NumberDataViewType.Single || type == NumberDataViewType.Double
        || type == NumberDataViewType.Int32 || type == NumberDataViewType.Int64 || type == NumberDataViewType.UInt32 || type == NumberDataViewType.UInt64;

    private static DataViewSchema.Column Require(DataViewSchema schema, string name, string role, Func<DataViewType, bool> accepts, string expected)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(name)
            ?? throw Missing(name, role, expected, schema.Where(c => !c.IsHidden).Select(c => c.Name));
        if (!accepts(column.Type))
        {
            throw Mismatch(name, role, expected, column.Type.ToString() ?? column.Type.RawType.Name);
        }

        return column;
    }

    private static void Require(SchemaShape shape, string name, string role, Func<SchemaShape.Column, bool> accepts, string expected)
    {
        SchemaShape.Column? found = null;
        foreach (SchemaShape.Column column in shape)
        {
            if (column.Name == name)
            {
                found = column;
            }
        }

        if (found is not { } column1)
        {
            throw Missing(name, role, expected, shape.Select(c => c.Name));
        }

        if (!accepts(column1))
        {
            string type = column1.IsKey ? $"Key<{column1.ItemType}>"
                : column1.Kind == SchemaShape.Column.VectorKind.Scalar ? $"{column1.ItemType}" : $"Vector<{column1.ItemType}>";
            throw Mismatch(name, role, expected, type);
        }
    }

    private static ArgumentOutOfRangeException Missing(string name, string role, string expected, IEnumerable<string> columns) =>
        new("input", string.Create(CultureInfo.InvariantCulture,
            $"Could not find the {role} column '{name}' (expected {expected}); the data view's columns are: {string.Join(", ", columns)}."));

    private static ArgumentOutOfRangeException Mismatch(string name, string role, string expected, string actual) =>
        new("input", $"Column '{name}' for the {role} should be {expected}, but is instead {actual}.");

    /// <summary>
    /// ML.NET keeps <see cref="SchemaShape.Column"/>'s constructor internal, so the shape of a scalar float column is taken from the
    /// public <c>CustomMapping</c> estimator's output shape: the same type a <c>float Score</c> property maps to.
    /// </summary>
    private static SchemaShape.Column CreateScoreShape()
    {
        var ml = new MLContext(seed: 0);
        SchemaShape shape = ml.Transforms.CustomMapping<NoColumns, ScoreRow>(static (_, _) => { }, contractName: null)
            .GetOutputSchema(new SchemaShape([]));
        return shape.Single(c => c.Name == FactorModelTransformer.ScoreColumnName);
    }

    private sealed class NoColumns;

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}
