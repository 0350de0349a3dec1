namespace Personalize.Core.Evaluation;

/// <summary>Ranking quality of top-K lists against held-out interactions, averaged over the evaluated users.</summary>
/// <remarks>
/// Every average is over <see cref="UsersEvaluated"/>; skipped users are counted, never averaged in (see <see cref="RankingEvaluation"/>
/// for the rules). A user's relevant set is their held-out items that the model knows and that they did not interact with in training.
/// When no user is evaluated every average is 0. Immutable and thread-safe.
/// </remarks>
/// <param name="K">The list length.</param>
/// <param name="UsersEvaluated">Users with at least one relevant held-out item who are known to the model.</param>
/// <param name="UsersSkipped">Held-out users unknown to the model (cold start) or without a relevant item (their held-out items were all
/// seen in training or unknown to the model).</param>
/// <param name="Precision">Mean precision@K: hits in the top K / K (a list shorter than K still divides by K).</param>
/// <param name="Recall">Mean recall@K: hits in the top K / |relevant|.</param>
/// <param name="Ndcg">Mean NDCG@K with binary relevance: DCG = sum over hits at 1-based rank r of 1 / log2(r + 1); the ideal DCG is
/// over min(K, |relevant|) hits at ranks 1, 2, ….</param>
/// <param name="HitRate">Share of evaluated users with at least one hit in the top K.</param>
/// <param name="MeanAveragePrecision">MAP@K: mean over users of average precision at K, the sum of precision@r over the ranks r ≤ K that
/// hold a hit, divided by min(K, |relevant|).</param>
/// <param name="MeanReciprocalRank">Mean over users of 1 / (1-based rank of the first hit in the top K), or 0 when there is none.</param>
/// <param name="Coverage">Catalogue coverage: distinct items in the evaluated users' top-K lists / number of items in the model.</param>
/// <param name="SeenItemsRecommended">Total over evaluated users of recommended items (in the top K, as returned) that the user
/// interacted with in training. It is 0 when seen items are excluded, as they are by default; such items never count as hits.</param>
/// <param name="UnknownItemsSkipped">Distinct held-out (user, item) pairs of known users whose item the model does not know (it first
/// appears after training). Such items cannot be recommended, so they are left out of the relevant sets and counted here.</param>
public sealed record RankingReport(int K, int UsersEvaluated, int UsersSkipped, double Precision, double Recall, double Ndcg, double HitRate,
    double MeanAveragePrecision, double MeanReciprocalRank, double Coverage, long SeenItemsRecommended, int UnknownItemsSkipped);
