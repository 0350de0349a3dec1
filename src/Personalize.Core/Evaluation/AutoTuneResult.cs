namespace Personalize.Core.Evaluation;

/// <summary>What an <see cref="AutoTuner"/> chose, and the evidence: every trial and the baseline scored on the same validation rows.</summary>
/// <typeparam name="TOptions">The trainer's options type.</typeparam>
/// <remarks>Immutable.</remarks>
public sealed class AutoTuneResult<TOptions>
    where TOptions : class
{
    internal AutoTuneResult(TOptions options, AutoTuneTrial<TOptions> best, IReadOnlyList<AutoTuneTrial<TOptions>> trials, string metricName,
        bool higherIsBetter, string baselineName, double baselineScore, int tuningUsers, int tuningRows, int validationRows, TimeSpan elapsed,
        int validationUsers = 0)
    {
        ValidationUsers = validationUsers;
        Options = options;
        Best = best;
        Trials = trials;
        MetricName = metricName;
        HigherIsBetter = higherIsBetter;
        BaselineName = baselineName;
        BaselineScore = baselineScore;
        TuningUsers = tuningUsers;
        TuningRows = tuningRows;
        ValidationRows = validationRows;
        Elapsed = elapsed;
    }

    /// <summary>Gets the chosen options, to train on all the data: the best trial's, with its best epoch count (for Bayesian sampling
    /// chosen on a sample of users, the sweeps capped so the fit over the whole log keeps within a budget of work; see
    /// <see cref="AutoTuner.TuneExplicit"/>).</summary>
    public TOptions Options { get; }

    /// <summary>Gets the best trial.</summary>
    public AutoTuneTrial<TOptions> Best { get; }

    /// <summary>Gets every trial, in the order they ran.</summary>
    public IReadOnlyList<AutoTuneTrial<TOptions>> Trials { get; }

    /// <summary>Gets the name of the validation score, such as <c>NDCG@10</c> or <c>RMSE</c>.</summary>
    public string MetricName { get; }

    /// <summary>Gets whether a higher score is better.</summary>
    public bool HigherIsBetter { get; }

    /// <summary>Gets the name of the baseline scored on the same validation rows: <c>most popular</c> or <c>biases</c>.</summary>
    public string BaselineName { get; }

    /// <summary>Gets the baseline's validation score.</summary>
    public double BaselineScore { get; }

    /// <summary>Gets whether the best trial scored better than the baseline.</summary>
    public bool BeatsBaseline => HigherIsBetter ? Best.Score > BaselineScore : Best.Score < BaselineScore;

    /// <summary>Gets how many users the trials trained on: a seeded sample when the log is larger than the row budget,
    /// <see cref="AutoTuneOptions.MaxTuningRows"/> (by default 250,000 rows for implicit feedback and 100,000 for ratings).</summary>
    public int TuningUsers { get; }

    /// <summary>Gets how many log rows the trials trained on.</summary>
    public int TuningRows { get; }

    /// <summary>Gets how many held-out rows scored the trials.</summary>
    public int ValidationRows { get; }

    /// <summary>Gets how many users the held-out rows belong to: for implicit trials at most <see cref="AutoTuneOptions.MaxValidationUsers"/>
    /// of the <see cref="TuningUsers"/> (ranking costs a scan of every item per user); for explicit ones, whose held-out ratings cost a
    /// dot product each, every tuning user with a held-out rating.</summary>
    public int ValidationUsers { get; }

    /// <summary>Gets how long the search took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Gets the trials that the search's budget of work shortened or left out, one line each (what, and the epochs it ran or
    /// "not run"); empty when it ran every trial in full. Only the implicit search has such a budget (see
    /// <see cref="AutoTuner.TuneImplicit"/>).</summary>
    public IReadOnlyList<string> BudgetCuts { get; internal init; } = [];
}
