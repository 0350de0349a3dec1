namespace Personalize.Core.Evaluation;

/// <summary>What <see cref="HyperparameterSearch"/> reports after each epoch of each candidate.</summary>
/// <remarks>Reports arrive on the searching thread, in order. The last report of a candidate has <paramref name="IsCandidateFinished"/>
/// set, so a listener can print one line per candidate. Immutable and thread-safe.</remarks>
/// <param name="Candidate">The 1-based number of the candidate being trained.</param>
/// <param name="NumberOfCandidates">How many candidates the search trains.</param>
/// <param name="Values">The candidate's values of the searched options, in the space's order, under their property names.</param>
/// <param name="Epoch">The 1-based epoch just finished.</param>
/// <param name="MaxEpochs">The most epochs the candidate may run (its NumberOfIterations).</param>
/// <param name="Metric">The validation metric after this epoch.</param>
/// <param name="BestMetric">The candidate's best validation metric so far.</param>
/// <param name="BestEpoch">The epoch of <paramref name="BestMetric"/>, or 0 when no epoch has given a number yet.</param>
/// <param name="IsCandidateFinished">Whether this was the candidate's last epoch: it ran out of epochs or stopped early.</param>
public sealed record SearchProgress(int Candidate, int NumberOfCandidates, IReadOnlyList<KeyValuePair<string, double>> Values, int Epoch,
    int MaxEpochs, double Metric, double BestMetric, int BestEpoch, bool IsCandidateFinished);
