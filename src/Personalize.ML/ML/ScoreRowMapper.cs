using Microsoft.ML;
using Microsoft.ML.Data;

namespace Personalize.Core.ML;

/// <summary>The row-to-row mapper of <see cref="FactorModelTransformer"/>, used by ML.NET's prediction engines.</summary>
internal sealed class ScoreRowMapper : IRowToRowMapper
{
    private readonly ScoreBinding _binding;

    public ScoreRowMapper(ScoreBinding binding) => _binding = binding;

    public DataViewSchema InputSchema => _binding.InputSchema;

    public DataViewSchema OutputSchema => _binding.OutputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        _binding.InputColumnsFor(dependingColumns);

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(activeColumns);
        return new ScoredDataView.Row(_binding, input, _binding.WantsScore(activeColumns));
    }
}
