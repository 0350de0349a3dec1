namespace Personalize.Core.Evaluation;

/// <summary>One trial of an <see cref="AutoTuner"/> run: the options tried, their best validation score and when it was reached.</summary>
/// <typeparam name="TOptions">The trainer's options type.</typeparam>
/// <param name="Number">The trial's 1-based number, in the order trials ran.</param>
/// <param name="Stage">The step of the search that proposed it: <c>default</c>, <c>grid</c>, <c>refine</c>, <c>factors</c>, and for the explicit trainer <c>rated-items</c> or <c>models</c>.</param>
/// <param name="Options">The options tried, with NumberOfIterations set to <paramref name="BestEpoch"/>.</param>
/// <param name="Score">The best validation score (NDCG@K for implicit trials, higher is better; RMSE for explicit ones, lower is better).</param>
/// <param name="BestEpoch">The epoch that reached <paramref name="Score"/>.</param>
/// <param name="EpochsRun">How many epochs ran before the trial stopped.</param>
/// <param name="Elapsed">How long the trial took, scoring included.</param>
/// <remarks>Immutable.</remarks>
public sealed record AutoTuneTrial<TOptions>(int Number, string Stage, TOptions Options, double Score, int BestEpoch, int EpochsRun, TimeSpan Elapsed)
    where TOptions : class;
