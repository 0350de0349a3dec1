namespace Personalize.Core.Evaluation;

/// <summary>What <see cref="AutoTuner.ChooseFallback"/> chose for people the model has never seen: all-time popularity, or popularity
/// weighted by recency with a half-life, and the evidence.</summary>
/// <param name="HalfLife">The chosen half-life, or <see langword="null"/> for all-time popularity.</param>
/// <param name="Score">NDCG@K of the chosen list for the new users of the validation period (NaN when none could be scored).</param>
/// <param name="AllTimeScore">NDCG@K of all-time popularity for the same users.</param>
/// <param name="NewUsers">How many users first appeared in the validation period and had a held-out item known before it.</param>
/// <param name="Reason">One sentence saying why, for people and logs.</param>
/// <remarks>Immutable.</remarks>
public sealed record FallbackChoice(TimeSpan? HalfLife, double Score, double AllTimeScore, int NewUsers, string Reason);
