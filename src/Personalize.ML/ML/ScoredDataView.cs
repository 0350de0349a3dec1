using Microsoft.ML;
using Microsoft.ML.Data;

namespace Personalize.Core.ML;

/// <summary>
/// The lazy output of <see cref="FactorModelTransformer.Transform"/>: every input column, plus <c>Score</c> computed when read. Cursors
/// wrap the input's cursors one to one, so row counts, order, shuffling and parallel cursor sets are the input's.
/// </summary>
internal sealed class ScoredDataView : IDataView
{
    private readonly ScoreBinding _binding;
    private readonly IDataView _input;

    public ScoredDataView(ScoreBinding binding, IDataView input)
    {
        _binding = binding;
        _input = input;
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema => _binding.OutputSchema;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        List<DataViewSchema.Column> needed = [.. columnsNeeded];
        return new Cursor(_binding, _input.GetRowCursor(_binding.InputColumnsFor(needed), rand), _binding.WantsScore(needed));
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        List<DataViewSchema.Column> needed = [.. columnsNeeded];
        bool score = _binding.WantsScore(needed);
        DataViewRowCursor[] inputs = _input.GetRowCursorSet(_binding.InputColumnsFor(needed), n, rand);
        var cursors = new DataViewRowCursor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            cursors[i] = new Cursor(_binding, inputs[i], score);
        }

        return cursors;
    }

    /// <summary>A row of the input with the score added: the mapper's output for prediction engines.</summary>
    internal sealed class Row : DataViewRow
    {
        private readonly ScoreBinding _binding;
        private readonly DataViewRow _input;
        private readonly ValueGetter<float>? _score;

        public Row(ScoreBinding binding, DataViewRow input, bool score)
        {
            _binding = binding;
            _input = input;
            _score = score ? binding.MakeScoreGetter(input) : null;
        }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override DataViewSchema Schema => _binding.OutputSchema;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => Active(_binding, _input, _score, column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Getter<TValue>(_binding, _input, _score, column);
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly ScoreBinding _binding;
        private readonly DataViewRowCursor _input;
        private readonly ValueGetter<float>? _score;

        public Cursor(ScoreBinding binding, DataViewRowCursor input, bool score)
        {
            _binding = binding;
            _input = input;
            _score = score ? binding.MakeScoreGetter(input) : null;
        }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override DataViewSchema Schema => _binding.OutputSchema;

        public override bool MoveNext() => _input.MoveNext();

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => Active(_binding, _input, _score, column);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => Getter<TValue>(_binding, _input, _score, column);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _input.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private static bool Active(ScoreBinding binding, DataViewRow input, ValueGetter<float>? score, DataViewSchema.Column column)
    {
        if (column.Index == binding.ScoreColumn.Index)
        {
            return score is not null;
        }

        return column.Index < binding.InputSchema.Count && input.IsColumnActive(binding.InputSchema[column.Index]);
    }

    private static ValueGetter<TValue> Getter<TValue>(ScoreBinding binding, DataViewRow input, ValueGetter<float>? score, DataViewSchema.Column column)
    {
        if (column.Index == binding.ScoreColumn.Index)
        {
            if (score is null)
            {
                throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made; request it to read it.");
            }

            if (score is not ValueGetter<TValue> typed)
            {
                throw new InvalidOperationException($"Column '{column.Name}' is Single; it cannot be read as {typeof(TValue).Name}.");
            }

            return typed;
        }

        if (column.Index >= binding.InputSchema.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (index {column.Index}) is not in this data view.");
        }

        return input.GetGetter<TValue>(binding.InputSchema[column.Index]);
    }
}
