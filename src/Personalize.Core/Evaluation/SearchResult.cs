namespace Personalize.Core.Evaluation;

/// <summary>The outcome of a <see cref="HyperparameterSearch"/>: every candidate ranked by its best validation metric, best first.</summary>
/// <typeparam name="TOptions">The trainer's options type.</typeparam>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SearchResult<TOptions>
    where TOptions : class
{
    private readonly SearchCandidate<TOptions>[] _leaderboard;

    internal SearchResult(string metricName, bool higherIsBetter, SearchCandidate<TOptions>[] leaderboard, TimeSpan elapsed)
    {
        MetricName = metricName;
        HigherIsBetter = higherIsBetter;
        _leaderboard = leaderboard;
        Elapsed = elapsed;
    }

    /// <summary>Gets the name of the validation metric, such as <c>NDCG@10</c> or <c>RMSE</c>.</summary>
    public string MetricName { get; }

    /// <summary>Gets whether a higher metric is better (NDCG) or a lower one (RMSE).</summary>
    public bool HigherIsBetter { get; }

    /// <summary>Gets every candidate, best first; ties keep the search's order, and candidates with no metric (NaN) come last.</summary>
    public IReadOnlyList<SearchCandidate<TOptions>> Leaderboard => _leaderboard;

    /// <summary>Gets the best candidate.</summary>
    public SearchCandidate<TOptions> Best => _leaderboard[0];

    /// <summary>Gets the best candidate's options, with NumberOfIterations set to its best epoch: what to train the final model with.</summary>
    public TOptions BestOptions => _leaderboard[0].Options;

    /// <summary>Gets how long the whole search took.</summary>
    public TimeSpan Elapsed { get; }
}
