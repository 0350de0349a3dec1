using Microsoft.ML;
using Microsoft.ML.Data;
using Personalize.Core.Data;
using Personalize.Core.Models;

namespace Personalize.Core.ML;

/// <summary>
/// How one input schema is scored by one model: the input columns, the output schema (input + <c>Score</c>), and for each id column
/// the map from its values to the model's indices, built once per schema so that each row costs a lookup and a dot product.
/// </summary>
/// <remarks>
/// A key column is mapped through its <c>KeyValues</c> annotation (or the key's number as text when it has none) to the model's
/// <see cref="IdMap"/>, so a pipeline fitted on one data view scores another whose keys were numbered differently. Key 0 (missing), a
/// key past the key values and an id the model does not know map to -1, which <see cref="FactorModel.PredictRatingOrFallback"/> answers
/// with the fallback score.
/// </remarks>
internal sealed class ScoreBinding
{
    private readonly FactorModel _model;
    private readonly int[]? _userKeys;
    private readonly int[]? _itemKeys;

    private readonly bool _nanForUnknown;

    public ScoreBinding(FactorModel model, DataViewSchema input, string userIdColumnName, string itemIdColumnName, bool nanForUnknown)
    {
        _model = model;
        _nanForUnknown = nanForUnknown;
        InputSchema = input;
        UserColumn = PersonalizationColumns.RequireId(input, userIdColumnName, "user id");
        ItemColumn = PersonalizationColumns.RequireId(input, itemIdColumnName, "item id");
        _userKeys = KeyMap(UserColumn, model.Users);
        _itemKeys = KeyMap(ItemColumn, model.Items);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        builder.AddColumn(FactorModelTransformer.ScoreColumnName, NumberDataViewType.Single);
        OutputSchema = builder.ToSchema();
        ScoreColumn = OutputSchema[input.Count];
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public DataViewSchema.Column UserColumn { get; }

    public DataViewSchema.Column ItemColumn { get; }

    public DataViewSchema.Column ScoreColumn { get; }

    /// <summary>The input columns needed to produce the given output columns.</summary>
    public List<DataViewSchema.Column> InputColumnsFor(IEnumerable<DataViewSchema.Column> outputColumns)
    {
        var needed = new List<DataViewSchema.Column>();
        bool score = false;
        foreach (DataViewSchema.Column column in outputColumns)
        {
            if (column.Index < InputSchema.Count)
            {
                needed.Add(InputSchema[column.Index]);
            }
            else
            {
                score = true;
            }
        }

        if (score)
        {
            needed.Add(UserColumn);
            needed.Add(ItemColumn);
        }

        return needed;
    }

    /// <summary>Whether the given output columns include the score.</summary>
    public bool WantsScore(IEnumerable<DataViewSchema.Column> outputColumns) => outputColumns.Any(c => c.Index == ScoreColumn.Index);

    /// <summary>A getter of the score of the current row of <paramref name="row"/>; allocates once, not per row.</summary>
    public ValueGetter<float> MakeScoreGetter(DataViewRow row)
    {
        Func<int> user = IndexGetter(row, UserColumn, _userKeys, _model.Users);
        Func<int> item = IndexGetter(row, ItemColumn, _itemKeys, _model.Items);
        FactorModel model = _model;
        if (_nanForUnknown)
        {
            return (ref float value) =>
            {
                int u = user(), i = item();
                value = u < 0 || i < 0 ? float.NaN : model.PredictRating(u, i);
            };
        }

        return (ref float value) => value = model.PredictRatingOrFallback(user(), item());
    }

    private static Func<int> IndexGetter(DataViewRow row, DataViewSchema.Column column, int[]? keys, IdMap ids)
    {
        if (column.Type is KeyDataViewType && keys is null)
        {
            ValueGetter<uint> number = row.GetGetter<uint>(column);
            uint key = 0;
            return () =>
            {
                number(ref key);
                Span<char> digits = stackalloc char[10];
                return key != 0 && key.TryFormat(digits, out int written, default, System.Globalization.CultureInfo.InvariantCulture)
                    && ids.TryGetIndex(digits[..written], out int index) ? index : -1;
            };
        }

        if (keys is not null)
        {
            ValueGetter<uint> getter = row.GetGetter<uint>(column);
            uint key = 0;
            return () =>
            {
                getter(ref key);
                return key < (uint)keys.Length ? keys[key] : -1;
            };
        }

        ValueGetter<ReadOnlyMemory<char>> text = row.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        return () =>
        {
            text(ref value);
            return ids.TryGetIndex(value.Span, out int index) ? index : -1;
        };
    }

    /// <summary>
    /// For a key column with key values, the model index of every key (entry 0, the missing key, is -1); <see langword="null"/> for text
    /// and for keys without key values (those are looked up by their number per row).
    /// </summary>
    private static int[]? KeyMap(DataViewSchema.Column column, IdMap ids) =>
        column.Type is KeyDataViewType ? KeyValueIds.MapToIndices(column, ids) : null;
}
